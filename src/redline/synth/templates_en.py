"""English templates: clinic pages, at-home kit marketing, agency posts and their negatives.

English ads for this trade read like fertility-clinic copy ("family balancing", "the embryo of
your choice"), consumer kit marketing ("as early as 6 weeks", "prepaid return mailer") or agency
posts aimed at couples from India and China. Negatives are Indian and Chinese press reports,
PCPNDT text, platform rules, NIPT pages and ordinary parenting chatter about boys and girls.
"""

from __future__ import annotations

from random import Random

from redline.synth import advertorial
from redline.synth.templates import CONTACT_SLOTS, LanguagePack, SlotFn, choice, number

_BANNED_TERMS = (
    "gender test",
    "sex determination",
    "fetal sex test",
    "boy or girl test",
    "gender selection",
    "family balancing",
    "sex selection ivf",
    "y chromosome test",
    "early gender blood test",
    "baby gender kit",
    "blood to hong kong",
    "son guarantee",
    "beta paida",
    "ling jaanch",
    "putrajeevak",
    "gender reveal test 6 weeks",
    "pgd sex selection",
    "xy test",
)


def _wordlist(rng: Random) -> str:
    terms = rng.sample(_BANNED_TERMS, rng.randint(4, 10))
    style = rng.randrange(3)
    if style == 0:
        return ", ".join(f'"{term}"' for term in terms)
    if style == 1:
        return "\n".join(f"- {term}" for term in terms)
    return " | ".join(terms)


def _money(low: int, high: int, step: int, formats: tuple[str, ...]) -> SlotFn:
    def make(rng: Random) -> str:
        return rng.choice(formats).format(f"{rng.randrange(low, high + 1, step):,}")

    return make


def _clinic(rng: Random) -> str:
    first = rng.choice(
        (
            "Bright",
            "New Hope",
            "Golden",
            "Pacific",
            "Lotus",
            "Harmony",
            "Cradle",
            "Prime",
            "Sunrise",
            "Blue Bay",
        )
    )
    kind = rng.choice(
        (
            "Fertility",
            "IVF Centre",
            "Fertility Clinic",
            "Reproductive Center",
            "Genetics",
            "Diagnostics",
            "Gene Lab",
        )
    )
    return f"{first} {kind}"


SLOTS: dict[str, SlotFn] = {
    **CONTACT_SLOTS,
    "clinic": _clinic,
    "clinic2": _clinic,
    "country": choice(
        (
            "Thailand",
            "Cyprus",
            "the US",
            "Northern Cyprus",
            "Mexico",
            "Malaysia",
            "Dubai",
            "Kyrgyzstan",
        )
    ),
    "usd": _money(200, 3000, 50, ("${}", "US${}", "USD {}")),
    "usd_big": _money(14000, 32000, 500, ("${}", "US${}", "USD {}")),
    "inr": _money(8000, 45000, 500, ("₹{}", "Rs {}", "INR {}", "Rs. {}")),
    "hkd": _money(2200, 3800, 100, ("HK${}", "HKD {}")),
    "kit_price": _money(79, 249, 10, ("${}", "£{}", "US${}")),
    "hours": choice(("24 hours", "48 hours", "one business day", "2-3 days", "72 hours")),
    "days": choice(("next day", "same day", "within 48 hours", "in 2 business days")),
    "city": choice(
        (
            "Shenzhen",
            "Guangzhou",
            "Delhi",
            "Mumbai",
            "Jaipur",
            "Ludhiana",
            "Toronto",
            "Vancouver",
            "Sydney",
            "Bangkok",
            "Surat",
            "Hyderabad",
            "London",
        )
    ),
    "state": choice(
        (
            "Haryana",
            "Punjab",
            "Rajasthan",
            "Maharashtra",
            "Uttar Pradesh",
            "Bihar",
            "Guangdong",
            "Fujian",
            "Gujarat",
        )
    ),
    "pct": number(85, 99),
    "pct2": number(10, 60),
    "n": number(120, 9800, 10),
    "few": number(2, 9),
    "many": number(11, 60),
    "tubes": number(5, 320),
    "months": number(6, 60),
    "ratio": choice(("108", "110", "112", "918", "929", "943")),
    "year2": number(2020, 2024),
    "agency": lambda rng: (
        rng.choice(("Global", "Lotus", "Siam", "Aphrodite", "Family First", "Medi"))
        + " "
        + rng.choice(("IVF Travel", "Fertility Tours", "Surrogacy", "Care Abroad"))
    ),
    "size": choice(("0-3m", "2T-5T", "6-9 years", "newborn")),
    "wordlist": _wordlist,
}

VIOLATING = {
    "fetal_sex_id_ad": (
        "Find out if it's a boy or a girl at just {wk} weeks with our {acc} accurate blood test.",
        "Moms-to-be: no need to wait for the 20-week scan. A simple blood draw tells you the "
        "gender.",
        "Early gender DNA test: results in {hours}, from {kit_price}.",
        "Book your early gender blood test this week and get a free baby outfit.",
        "Book your Hong Kong gender blood test today. Our staff will meet you at the border.",
        "Boy or girl? Know at {wk} weeks. {acc} accuracy, money-back guarantee.",
        "I did the test at {wk} weeks and it said boy. Our son was born last month, exactly as we "
        "wished!",
        "How early can you test? Any time from {wk} weeks, as long as the scan shows a heartbeat.",
        "FAQ: Is it accurate? Yes, our partner lab reports {acc} accuracy for gender from week "
        "{wk}.",
        "What to bring: your latest ultrasound report and your travel permit. We handle the rest.",
        "Y chromosome test (medical indication) from {wk} weeks. Discreet reporting by WeChat.",
        "We guarantee the result or your money back.",
        "Gender scan packages for NRI families, results explained on the spot.",
        "Our lab looks for Y chromosome DNA in mom's blood: if it's there, it's a boy.",
        "Over {n} happy parents have used our early gender test.",
        "Can't wait to know? You don't have to. Results {days}.",
        "Comparing the three main Hong Kong labs: {clinic} is fastest, {clinic2} is cheapest, "
        "both claim {acc}.",
        "Gender test | from {wk} wks | {hkd} | report in {hours}",
        "Pink or blue? Find out {wk} weeks in, from the comfort of home.",
        "You'll get a private email with the answer before anyone else.",
        "Already have two daughters? Know early whether this one is your boy.",
        "Private ultrasound: we tell you boy or girl, no questions asked.",
        "Testing is risk-free for you and your baby: just a small blood sample.",
        "Book now, limited slots this week at {clinic}.",
        "Step 1: message us your scan. Step 2: pick a date. Step 3: get your result in {hours}.",
        "The earliest baby gender blood test on the market, clinically validated at {acc}.",
        "We offer the test to mainland clients; reports are sent by encrypted message.",
        "Unlike old wives' tales, our DNA test gives you a real answer at {wk} weeks.",
        "Baby gender prediction by ultrasound at {wk2} weeks, {inr} only, confidential.",
        "With results at {wk} weeks, you can start planning the nursery months earlier.",
        "Genetic disease screening package (gender included), from {usd}.",
        "My wife tested at 7 weeks, the report said girl and it was right. Highly recommend!",
        "No doctor's note needed. Order online, test early, know for sure.",
        "Update for everyone who asked: tested at {wk} weeks, the report said boy, and our son "
        "arrived on Sunday. Message me and I'll share the lab's number.",
        "Two girls already, so this time we did the early blood test. It said boy and it was "
        "right. Can't recommend them enough.",
    ),
    "sex_selection_ad": (
        "Family balancing: choose the gender of your next baby with PGT at our {country} clinic.",
        "Gender selection IVF packages from {usd_big}, with travel and hotel included.",
        "We transfer just the embryos that match the sex you asked for.",
        "Baby boy guaranteed herbal kit, a free romper with every order.",
        "Couples from India and China travel to {country}, where sex selection is legal for "
        "non-medical reasons.",
        "Already have a son and want a daughter? We can help you balance your family.",
        "Our embryologists identify male and female embryos before transfer, with {pct}% accuracy.",
        "Sperm sorting raises your chances of a boy to {pct}%.",
        "Guaranteed son package: IVF, PGD and transfer of male embryos only.",
        "Ayurvedic son-conceiving kit, trusted by {n} couples. Start before conception.",
        "Alkaline diet plan for a baby boy: follow it for {few} months before trying.",
        "We did IVF with gender selection in {country}. Two boy embryos, first transfer worked!",
        "Thinking about family balancing? Book a free video consultation with our coordinator.",
        "PGT-A shows the chromosomes of each embryo, including XX or XY, so you decide which to "
        "transfer.",
        "{agency}: gender selection abroad, Hindi and Mandarin speaking coordinators.",
        "Why travel to {country}? Because there, you can choose your baby's sex.",
        "Choose the sex of your baby with {pct}% certainty. Payment plans available.",
        "On day five your chosen embryo goes back in, and the others can be frozen.",
        "A boy after three girls? Our herbal tonic has helped hundreds of mothers.",
        "Timing intercourse and a special diet will tip the odds towards a boy, our guide shows "
        "how.",
        "Gender selection is our speciality: twins of chosen sex also possible.",
        "Surrogacy with gender choice available, ask about our male embryo package.",
        "Non-medical sex selection is offered to international patients at {clinic}.",
        "Shettles method consultation plus supplements, {usd} for a three-month plan.",
        "We went to {country} with {agency} after two daughters. They picked a male embryo and "
        "our boy is now three months old. Ask me for their contact.",
    ),
    "blood_shipping_ad": (
        "Can't travel to Hong Kong? Mail us your sample in our cold-chain box.",
        "A nurse will visit your home, draw the blood and courier it to the lab the same day.",
        "Compliant shipping to Hong Kong, results in {hours}.",
        "Use the anticoagulant tube and the cold pack provided, then drop the box at any courier.",
        "Our courier carries samples across the border every morning.",
        "Just a few drops from a finger prick, posted back in the prepaid mailer.",
        "We ship to all provinces; samples reach the lab within 48 hours.",
        "Nationwide home blood collection, sample flown to our overseas lab.",
        "Keep the tube cool but never freeze it; send it back the same day you collect.",
        "Samples from {state} are picked up twice a week and taken to Hong Kong.",
        "You collect at home, we handle transport, customs and the lab.",
        "Track your sample online from pickup to lab delivery.",
        "I mailed my sample from {city} and had my answer three days later. So easy!",
        "Blood samples are packed in insulated bags with ice packs for the journey.",
        "Send the tube by express courier; the lab reports the baby's gender by email.",
        "Home visit phlebotomy in {city}, sample sent abroad for testing.",
        "Each kit includes two EDTA tubes, a cold pack and a padded mailer.",
    ),
}

CTA = (
    "WhatsApp {inphone}",
    "Add WeChat: {wx}",
    "DM us to book.",
    "Book now at {url}",
    "Call {hkphone}",
    "Telegram: {tg}",
    "Email {email} for prices.",
    "Message us on WhatsApp, reply within minutes.",
    "Limited slots, book today!",
    "Link in bio.",
    "Call or WhatsApp {inphone}, ask for the gender package.",
    "Order your kit: {url}",
)

BENIGN = {
    "news_about_case": (
        "Customs officers at {city} seized {tubes} tubes of pregnant women's blood bound for Hong "
        "Kong.",
        'Police said the gang advertised "risk-free genetic screening" on social media and '
        "shipped more than {n} samples.",
        "A decoy customer was quoted {inr} for a sex determination test, officials said.",
        "The doctor was arrested under the PCPNDT Act after a sting operation in {state}.",
        "According to the prosecutor, couriers hid the tubes in tea boxes and taped them to their "
        "bodies.",
        "A court in {city} sentenced the clinic owner to {months} months in prison for sex "
        "determination.",
        "Health officials sealed {few} ultrasound centres for revealing the sex of fetuses.",
        "Reporters posing as a couple were told the test was available from {wk} weeks for {usd}.",
        'Investigators say the ads promised "{acc} accuracy" and results in {hours}.',
        "The raid team seized a portable ultrasound machine and registers from the house.",
        "Authorities in {country} are reviewing clinics that offer gender selection to foreign "
        "couples.",
        "The ring operated in {many} cities and moved samples across the border daily, police "
        "said.",
        # news that quotes the ad word for word, call to action included
        'One listing read: "Gender test from {wk} weeks, {acc} accurate, message us today." '
        "Police traced the account to a flat in {city}.",
        '"Know your baby\'s gender at {wk} weeks, results in {hours}," said the post that led '
        "investigators to the clinic, which has since been sealed.",
        'The page promising an "{acc} accurate early gender blood test, WhatsApp for details" was '
        "taken down after a complaint, the platform said.",
    ),
    "warning": (
        "Do not fall for ads promising to reveal your baby's sex. Sex determination is illegal in "
        "India.",
        "Doctors warn that pills sold as a way to conceive a boy do nothing and may harm the baby.",
        "Never send your blood to strangers online: it carries your and your baby's genetic data.",
        "Report any clinic that offers to tell the sex of the fetus. Call the helpline.",
        "The alkaline diet for a boy is a myth; your body's pH does not decide the baby's sex.",
        '"{acc} accurate at {wk} weeks" is a sales line, not a medical fact. Be careful.',
        "Every daughter matters. Say no to sex selection.",
        "Beware of agents offering a trip to Hong Kong for a gender blood test: it is illegal for "
        "mainland residents.",
        "If someone asks you to carry blood samples across the border, say no and tell customs.",
        "Gender selection IVF abroad can leave couples in legal trouble and out of pocket.",
    ),
    "law_text": (
        "No person shall conduct pre-natal diagnostic techniques for the purpose of determining "
        "the sex of a fetus.",
        "Section 22: no person shall issue or publish any advertisement regarding facilities for "
        "pre-natal determination of sex.",
        "No person shall, by words spoken or written, communicate to the pregnant woman the sex "
        "of the fetus.",
        "Whoever contravenes the provisions of this section shall be punishable with imprisonment "
        "up to three years and fine.",
        "Non-medical fetal sex identification and sex-selective termination of pregnancy are "
        "prohibited.",
        "Carrying human genetic resource materials out of the country without approval is a "
        "criminal offence.",
        "The Supreme Court directed search engines to block advertisements for pre-natal sex "
        "determination.",
        "Sex selection before or after conception is prohibited under the Act.",
    ),
    "platform_policy": (
        "We don't allow ads that promote prenatal sex determination or sex selection services.",
        "Prohibited content: offers of fetal gender testing, transport of blood samples, and "
        "son-guarantee products.",
        "Advertisers may not target users in India with gender selection or family balancing "
        "services.",
        "Listings for sex-determination kits will be removed and the seller account suspended.",
        "Policy update: keywords related to fetal sex identification are now auto-blocked in ads.",
        "Report reason: Illegal medical service > Fetal sex determination",
    ),
    "moderation_wordlist": (
        "{wordlist}",
        "blocked_terms = [{wordlist}]",
        "Auto-mod list (medical, {year}):\n{wordlist}",
        "Keyword filter additions: {wordlist}",
    ),
    "legit_screening": (
        "NIPT screens for trisomy 21, 18 and 13 from 10 weeks with a simple blood draw.",
        "Our prenatal screening does not report fetal sex, in line with the law.",
        "The quad screen estimates the risk of Down syndrome and neural tube defects.",
        "An hCG blood test confirms pregnancy; results usually within {hours}.",
        "NIPT detection rates exceed {acc} for trisomy 21, but a positive result needs "
        "confirmation by amniocentesis.",
        "Book your first-trimester screening at {clinic}; genetic counselling included.",
        "Sex chromosome aneuploidy screening is available after counselling with a geneticist.",
        "Carrier screening for thalassaemia is recommended before or early in pregnancy.",
    ),
    "user_question": (
        "Can a blood test at {wk} weeks tell the sex? Just curious, is it even legal?",
        "Is the early gender test accurate? My sister says hers was wrong.",
        "Has anyone heard of people sending blood to Hong Kong to find out the gender? Is that "
        "real?",
        "Does NIPT tell you if it's a boy or a girl?",
        "My in-laws keep asking if it's a boy. How do I handle this?",
        "Is gender selection IVF legal in the UK?",
        "Does the alkaline diet thing actually work or is it nonsense?",
    ),
    "folk_prediction": (
        "My grandma did the ring test over my belly and it swung in circles, so apparently it's a "
        "girl.",
        "Carrying high means a boy, or so the old saying goes. Anyone else hear that?",
        "The Chinese gender chart said boy for us. Just for fun!",
        "Craving sweets means a girl, according to my aunt. We'll see!",
        "Heart rate above 140 means girl? Old wives' tale, but fun to guess.",
    ),
    "gender_reveal": (
        "We popped the balloon and blue confetti came out. It's a boy!",
        "Gender reveal cake: pink or blue inside, order three days ahead, {usd}.",
        "Guests wore pink or blue to vote. Team girl won!",
        "Our gender reveal smoke cannons come in pink and blue, shipped in 2 days.",
        "We waited until birth to find out. Welcome to the world, our little girl!",
        # birth news says "baby boy" with none of an ad's intent
        "Our baby boy arrived at 4 am, 3.4 kg. Mother and son are doing great.",
        "So happy for my brother: they just welcomed a healthy baby boy!",
        "Thank you all for the wishes on the birth of our son.",
        "Blessed with a baby boy this morning. Mother and child are both fine, thank you God!",
    ),
    "kids_product": (
        "Unisex baby rompers, soft cotton, sizes {size}, for boys and girls.",
        "Boys' and girls' school shoes, buy one get one half price.",
        "Toy kitchen set suitable for boys and girls aged 3+.",
        "Personalised baby blankets with name, pink for girls, blue for boys.",
        "New arrivals: girls' party dresses and boys' kurta sets.",
        # a price beside "baby boy" is a shop, not a sex test
        "Baby boy dungarees and caps, {usd} a set, order today.",
        "Sale on baby boy and baby girl sleepsuits, 3 for {usd}.",
        "Hand-knitted baby boy cardigans in blue and grey, {usd} each, ships in 2 days.",
    ),
    "other_sexing": (
        "Chick sexing course: learn vent sexing with {acc} accuracy in six weeks.",
        "DNA bird sexing: send a few feathers to our lab, results in {hours}, {usd}.",
        "How to tell male from female papaya seedlings before they flower.",
        "Please select your gender: Male / Female / Prefer not to say.",
        "Sexing koi: males develop breeding tubercles on their pectoral fins.",
        "Kiwi vines need one male plant for every eight females.",
    ),
    "explainer": (
        "Fetal DNA circulates in the mother's blood, which is how non-invasive prenatal testing "
        "works.",
        "The baby's sex is set at fertilisation by the father's X or Y chromosome.",
        "Detecting Y-chromosome sequences in maternal blood can indicate a male fetus, which is "
        "why the test is restricted.",
        "Hong Kong labs may legally test fetal sex, but collecting and exporting the blood from "
        "the mainland is illegal.",
        "PGT was developed to screen embryos for genetic disease; using it to pick sex is banned "
        "in India and China.",
        "Too early a test gives unreliable results because fetal DNA levels are low.",
    ),
    "research": (
        "India's sex ratio at birth improved to {ratio} girls per 1,000 boys, the survey found.",
        "The study links skewed sex ratios to the spread of prenatal sex determination.",
        "We analysed {n} online ads collected between {year} and {year2}.",
        "An NGO report found that {pct2}% of sampled ads for early gender tests targeted overseas "
        "buyers.",
        "Missing women: demographers estimate millions of girls missing due to sex selection.",
    ),
}

BENIGN_CONTACT = {
    "kids_product": ("Shop now: {url}", "Free shipping over $50.", "WhatsApp orders: {inphone}"),
    "legit_screening": ("Appointments: {hkphone}", "Visit {url}", "Open Monday to Saturday."),
    "gender_reveal": ("DM to order!", "Order at {url}"),
    "other_sexing": ("Call {inphone}", "Email {email}"),
}

PAGE_STYLE = {
    "fetal_sex_id_ad": (
        "Wondering whether it's a boy or a girl? You no longer have to wait for the anatomy scan. "
        "Here is how our early blood test works, step by step.",
        "Q: Does the blood draw hurt the baby? A: Not at all. We only take a small sample from "
        "mom's arm, and our nurses do dozens every week.",
        "Parents often ask us which lab to trust for the gender blood test. We only work with "
        "accredited partners, and every report is checked twice before it reaches you.",
        "Planning the nursery early? Our guide explains when you can take the gender test, what it "
        "costs and how fast results arrive. Message us with your week of pregnancy.",
        "Is it legal? The test itself is allowed in Hong Kong, and thousands of moms make the day "
        "trip every year.",
        "Is the blood draw safe for the baby? Absolutely. It is a routine draw from mom's arm and "
        "nothing touches the pregnancy.",
        "We can assure you the gender result is highly accurate: {acc} in our own follow-up of "
        "births.",
        "Our early gender guide walks first-time moms through the whole process, from booking to "
        "reading the report.",
        "If your report says Y chromosome detected, congratulations, it's a boy; if not, you are "
        "expecting a girl.",
        "Why has the early blood test become so popular? It is early, accurate and fast: results "
        "in {hours}, from {wk} weeks.",
        "Crossing the border is easy as long as you carry no samples; we tell you exactly what to "
        "bring.",
    ),
    "sex_selection_ad": (
        "Why choose {clinic}? Our embryology team has over {many} years of experience in PGT and "
        "family balancing.",
        "Is sex selection legal? In {country} it is permitted for non-medical reasons, which is "
        "why patients from abroad come to us.",
        "How much does gender selection IVF cost? Our all-inclusive package, covering stimulation, "
        "retrieval, PGT and transfer, starts at {usd_big}.",
        "Family balancing is a personal choice, and we believe parents deserve it. Here is how the "
        "process works at our centre.",
        "Q: Can we choose a boy? A: In {country}, yes. Our partner clinic tests every embryo "
        "and you decide which one is transferred. Message our coordinator to start.",
        "Hoping for a daughter after two sons? In this guide we explain how embryo screening "
        "lets you choose, and what it costs. Book a free call at {url}.",
    ),
    "blood_shipping_ad": (
        "Live far from Hong Kong? Many parents use our mail-in service: your blood is drawn "
        "locally and reaches the lab chilled within 48 hours.",
        "Is a mailed sample as reliable as testing in person? Yes, as long as it is collected in "
        "the right tube and shipped promptly.",
        "Customs checks have become stricter, but our established courier network gets your "
        "sample to the lab safely.",
        "Why do we send our own collection tubes? Ordinary tubes let the blood clot and degrade "
        "the fetal DNA the lab needs.",
        "Q: Do I have to travel? A: No. We send a collection kit to your door, you post the "
        "sample back, and the lab emails your baby's gender in {hours}. Order at {url}.",
    ),
    "explainer": (
        "How do early gender blood tests work? They look for Y-chromosome fragments in the "
        "mother's blood. Doctors caution that results before about ten weeks are unreliable, and "
        "using them for sex determination is illegal in mainland China and India.",
        "Some websites call the Hong Kong blood test the earliest fetal gender test. Geneticists "
        "say the technology is real, but selling it to mainland women breaks the law and early "
        "results are often wrong.",
        "PGT can reveal the sex of embryos, but transferring embryos by sex for non-medical "
        "reasons is banned in many countries, including India and China.",
    ),
    "news_about_case": (
        "Posing as a pregnant customer, our reporter was told the lab was fully licensed and that "
        "six weeks was early enough. Asked how the sample would leave the mainland, the agent went "
        "quiet.",
        "Agents market the trade through guides and FAQs rather than open ads, a customs "
        "spokesperson said, which makes it harder to police.",
        "A list of recommended Hong Kong labs circulating online could not be verified; two of "
        "the labs named said they do not test samples from the mainland.",
    ),
    "warning": (
        "Q: Is the blood test at {wk} weeks accurate enough to know the sex?\nA: No, and please "
        "don't do it. Early results are unreliable and the test is illegal where you live.",
        "Q: Should I go to Hong Kong for a gender blood test?\nA: As your doctor, my answer is no. "
        "Knowing the sex does nothing for your baby's health, and the trip can get you into legal "
        "trouble.",
        "Those polished guides to early gender testing are advertising in disguise. If a page "
        "tells you which lab to pick, it is selling something.",
        "A friend paid for a mailed gender test that said boy. She had a girl. Please don't waste "
        "your money on these.",
    ),
    "user_question": (
        "I'm {wk} weeks and my mother-in-law keeps pushing me to find out the gender. Has anyone "
        "done one of these blood tests? Were you happy you did?",
        "Someone in a parents group offered to mail my blood sample abroad for a gender test. Is "
        "that even safe? I don't want to get in trouble.",
    ),
    "legit_screening": (
        "Our NIPT is available from 10 weeks and detects over {acc} of trisomy 21 cases. In line "
        "with the law, we do not report fetal sex.",
        "FAQ: Can NIPT tell me if it's a boy or a girl? We do not disclose fetal sex; our "
        "screening looks only for chromosomal conditions.",
        "At {clinic}, PGT is offered only to families at risk of serious genetic disease; we do "
        "not select embryos by sex.",
    ),
}
"""Web-page register: advertorials, seller FAQs and clinic pages, and the neutral pages that
mirror them."""

LISTING = {
    "fetal_sex_id_ad": (
        "Early gender blood test {usd}. WhatsApp {hkphone}",
        "Baby gender test from {wk} wks, DM {wx}",
        "HK gender test, {hkd}, {hkphone}",
        "Boy or girl at {wk} weeks? {inphone}",
        "Gender scan {inr} call {inphone}",
        "Fetal sex test kit {kit_price} {url}",
    ),
    "sex_selection_ad": (
        "Gender selection IVF {country} from {usd_big}. {url}",
        "Family balancing packages, WhatsApp {inphone}",
        "Sex selection abroad, call {hkphone}",
        "Baby boy kit {kit_price}, order {url}",
    ),
    "blood_shipping_ad": (
        "Mail-in blood kit, gender in {hours}. {url}",
        "Send your blood sample to Hong Kong, {hkd}, {wx}",
        "Home blood draw plus courier to lab, {inphone}",
    ),
    "legit_screening": (
        "NIPT from 10 weeks, {usd}. Call {hkphone}",
        "Pregnancy blood test (hCG) {usd}, book {url}",
        "Prenatal screening for trisomy 21, {inr}, {inphone}",
    ),
    "other_sexing": (
        "Bird sexing by DNA, {kit_price}, {url}",
        "Chick sexing service, call {inphone}",
    ),
    "gender_reveal": (
        "Gender reveal balloons {kit_price}, order {url}",
        "Boy or girl reveal cake, DM {wx}",
    ),
    "user_question": (
        "Gender blood test at {wk} weeks, legit?",
        "How much is the Hong Kong gender test?",
        "Is it legal to mail a blood sample for a gender test?",
    ),
    "news_about_case": (
        "Customs seize {tubes} blood samples bound for Hong Kong",
        "Clinic raided over sex determination in {city}",
    ),
}
"""One-line listings (service plus contact or price) and the short posts that mirror them."""

PACK = LanguagePack(
    lang="en",
    violating=VIOLATING,
    cta=CTA,
    benign=BENIGN,
    benign_contact=BENIGN_CONTACT,
    slots=SLOTS,
    joiners=(" ", " ", "\n", "\n\n"),
    hashtags=(
        "pregnancy",
        "momtobe",
        "baby",
        "ivf",
        "ttc",
        "bumpdate",
        "health",
        "parenting",
        "newmom",
        "firsttrimester",
    ),
    trailers=("👍", "❤️", "Please share!", "🙏", "✨", ""),
    page_style=PAGE_STYLE,
    listing=LISTING,
    advertorial={**advertorial.EN_ADS, **advertorial.EN_TWINS},
)
