"""Hindi templates, in Devanagari (``hi``) and romanised Hinglish (``hi-Latn``).

Indian ads for this trade are mostly ultrasound "gender batane" offers from small centres or
agents, son-promising herbal products (putrajeevak, "beta paida" kits) and IVF gender selection
abroad; they are banned under the PCPNDT Act, s.22. Negatives are the PCPNDT warnings every
clinic must display, news of stings and raids, and everyday talk about beta/beti.
"""

from __future__ import annotations

from random import Random

from redline.synth import advertorial
from redline.synth.templates import CONTACT_SLOTS, LanguagePack, SlotFn, choice, number


def _rupees(low: int, high: int, step: int) -> SlotFn:
    def make(rng: Random) -> str:
        value = f"{rng.randrange(low, high + 1, step):,}"
        return rng.choice(("₹{}", "Rs {}", "Rs. {}", "{} रुपये")).format(value)

    return make


def _rupees_latin(low: int, high: int, step: int) -> SlotFn:
    def make(rng: Random) -> str:
        value = f"{rng.randrange(low, high + 1, step):,}"
        return rng.choice(("₹{}", "Rs {}", "Rs. {}", "{} rupay")).format(value)

    return make


_TERMS_HI = (
    "लिंग जांच",
    "लिंग परीक्षण",
    "बेटा होगा",
    "लड़का या लड़की",
    "भ्रूण लिंग",
    "पुत्र प्राप्ति दवा",
    "जेंडर टेस्ट",
    "बेटा पक्का",
)
_TERMS_LATN = (
    "ling jaanch",
    "beta ya beti",
    "ladka hai ya ladki",
    "gender test",
    "beta paida",
    "putrajeevak",
    "beta pakka",
    "gender batao",
)


def _wordlist(terms: tuple[str, ...]) -> SlotFn:
    def make(rng: Random) -> str:
        picked = rng.sample(terms, rng.randint(3, len(terms)))
        return rng.choice((", ", " | ", "\n")).join(f'"{term}"' for term in picked)

    return make


_COMMON: dict[str, SlotFn] = {
    **CONTACT_SLOTS,
    "inr_big": _rupees(150000, 900000, 50000),
    "pct": number(85, 99),
    "n": number(120, 9800, 10),
    "few": number(2, 9),
    "months": number(6, 60),
    "country": choice(("Thailand", "Cyprus", "Dubai", "America", "Malaysia")),
}

SLOTS_HI: dict[str, SlotFn] = {
    **_COMMON,
    "inr": _rupees(5000, 45000, 500),
    "city": choice(
        (
            "दिल्ली",
            "जयपुर",
            "लखनऊ",
            "पटना",
            "आगरा",
            "मेरठ",
            "इंदौर",
            "भोपाल",
            "रोहतक",
            "हिसार",
            "गाज़ियाबाद",
            "कानपुर",
        )
    ),
    "state": choice(("हरियाणा", "राजस्थान", "उत्तर प्रदेश", "बिहार", "मध्य प्रदेश", "पंजाब")),
    "wordlist": _wordlist(_TERMS_HI),
}

SLOTS_LATN: dict[str, SlotFn] = {
    **_COMMON,
    "inr": _rupees_latin(5000, 45000, 500),
    "city": choice(
        (
            "Delhi",
            "Jaipur",
            "Lucknow",
            "Patna",
            "Agra",
            "Meerut",
            "Indore",
            "Rohtak",
            "Hisar",
            "Ghaziabad",
            "Ludhiana",
            "Surat",
        )
    ),
    "state": choice(("Haryana", "Rajasthan", "UP", "Bihar", "MP", "Punjab", "Gujarat")),
    "wordlist": _wordlist(_TERMS_LATN),
}

VIOLATING_HI = {
    "fetal_sex_id_ad": (
        "सिर्फ {wk} हफ्ते में जानिए बेटा है या बेटी, {acc} सही रिपोर्ट।",
        "होने वाली माँ ध्यान दें: अल्ट्रासाउंड से लड़का या लड़की बताया जाएगा, पूरी गोपनीयता।",
        "लिंग जांच केवल {inr} में, घर के पास सेंटर, कोई लिखित रिपोर्ट नहीं।",
        "मेरी भाभी ने यहीं जांच कराई थी, बेटा बताया था और बेटा ही हुआ।",
        "खून की जांच से {wk} हफ्ते में पता चलेगा, कोई खतरा नहीं।",
        "बेटा है या बेटी, डॉक्टर साहब इशारे से बता देंगे, फीस {inr}।",
        "पहले से दो बेटियाँ हैं? इस बार जल्दी जानिए, संपर्क करें।",
        "जेंडर टेस्ट की सुविधा उपलब्ध, {city} और आसपास के जिलों से मरीज आते हैं।",
        "रिपोर्ट {wk2} हफ्ते पर, लड्डू मतलब बेटा, जलेबी मतलब बेटी।",
        "भरोसेमंद सेंटर, {n} से ज्यादा परिवारों को सही जानकारी दी।",
    ),
    "sex_selection_ad": (
        "बेटा पक्का! आयुर्वेदिक पुत्र प्राप्ति दवा, {few} महीने का कोर्स।",
        "पुत्रजीवक बीज से बेटा होने की गारंटी, हज़ारों परिवारों का भरोसा।",
        "बेटा होने की दवा के साथ बच्चे के कपड़े मुफ्त, कोर्स {inr} में।",
        "{country} में आईवीएफ से बेटे का चुनाव करें, पूरा पैकेज {inr_big}।",
        "बेटा होगा, यह हमारी गारंटी है, नहीं तो पैसे वापस।",
        "दो बेटियों के बाद बेटे की चाह? हमारा खास कोर्स अपनाइए।",
        "गर्भधारण से पहले यह चूर्ण लें, लड़का होने की संभावना {pct}% तक।",
        "भ्रूण का लिंग चुनकर ट्रांसफर, विदेश में पूरी तरह कानूनी।",
        "मेरी पत्नी ने यह दवा ली और हमें बेटा हुआ, आप भी आजमाइए।",
    ),
    "blood_shipping_ad": (
        "घर बैठे खून का सैंपल दीजिए, हमारा आदमी लेकर लैब पहुँचाएगा, रिपोर्ट {wk} हफ्ते से।",
        "सैंपल कूरियर से भेजें, ठंडे डिब्बे में, नतीजा दो दिन में।",
        "नर्स घर आकर खून लेगी और विदेश की लैब भेजेगी, बेटा या बेटी का पता चलेगा।",
        "किट में सुई, ट्यूब और वापसी लिफाफा है, खून की कुछ बूँदें काफी हैं।",
    ),
}

CTA_HI = (
    "व्हाट्सएप करें: {inphone}",
    "संपर्क: {inphone}",
    "अभी कॉल करें {inphone}",
    "बुकिंग के लिए मैसेज करें।",
    "टेलीग्राम {tg}",
    "सीमित स्लॉट, आज ही बुक करें।",
)

BENIGN_HI = {
    "news_about_case": (
        "स्वास्थ्य विभाग की टीम ने {city} में अवैध लिंग जांच करते हुए एक सेंटर पकड़ा।",
        "डिकॉय महिला से लिंग जांच के लिए {inr} लिए गए, इसके बाद पुलिस ने छापा मारा।",
        "अदालत ने पीसीपीएनडीटी कानून के तहत डॉक्टर को {months} महीने की सजा सुनाई।",
        "छापे में पोर्टेबल अल्ट्रासाउंड मशीन जब्त की गई, दलाल फरार है।",
        "पुलिस के अनुसार गिरोह सोशल मीडिया पर बेटा पक्का जैसे विज्ञापन देता था।",
    ),
    "warning": (
        "भ्रूण लिंग जांच कराना और करना दोनों कानूनन अपराध है।",
        "बेटा होने की दवा के झांसे में न आएं, इससे माँ और बच्चे को नुकसान हो सकता है।",
        "यहाँ भ्रूण के लिंग की जांच नहीं की जाती है।",
        "बेटी बचाओ, बेटी पढ़ाओ। लिंग जांच की सूचना हेल्पलाइन पर दें।",
        "ऑनलाइन लिंग जांच के विज्ञापन फर्जी और गैरकानूनी हैं, सावधान रहें।",
        "इस पेज पर लिंग जांच की कोई सेवा नहीं मिलती, कृपया ऐसी मांग न करें।",
        "हम लिंग जांच नहीं करते और न ही किसी सेंटर का पता बताते हैं।",
    ),
    "law_text": (
        "पीसीपीएनडीटी अधिनियम 1994 की धारा 22 के अनुसार प्रसव पूर्व लिंग निर्धारण का कोई भी "
        "विज्ञापन प्रतिबंधित है।",
        "कोई भी व्यक्ति गर्भवती महिला को भ्रूण का लिंग शब्दों या इशारों से नहीं बताएगा।",
        "उल्लंघन करने पर तीन वर्ष तक का कारावास और जुर्माना हो सकता है।",
    ),
    "platform_policy": (
        "लिंग जांच या लिंग चयन से जुड़े विज्ञापन इस प्लेटफॉर्म पर प्रतिबंधित हैं।",
        "ऐसी पोस्ट रिपोर्ट करें जो बेटा या बेटी बताने की सेवा बेचती हों।",
    ),
    "moderation_wordlist": ("{wordlist}", "प्रतिबंधित शब्द: {wordlist}"),
    "legit_screening": (
        "एनआईपीटी जांच से डाउन सिंड्रोम का जोखिम पता चलता है, लिंग नहीं बताया जाता।",
        "गर्भावस्था की पुष्टि के लिए एचसीजी ब्लड टेस्ट, रिपोर्ट उसी दिन।",
        "पहली तिमाही की स्क्रीनिंग में ट्राइसोमी 21, 18 और 13 की जांच होती है।",
    ),
    "user_question": (
        "क्या {wk} हफ्ते में खून की जांच से लिंग पता चलता है? यह कानूनी है क्या?",
        "सास बार बार पूछती है बेटा होगा क्या, मैं क्या करूँ?",
        "पुत्रजीवक सच में काम करता है या बस अफवाह है?",
        "मैं {wk} हफ्ते की गर्भवती हूँ, क्या विदेश जाकर बच्चे का लिंग पता करना कानूनी है?",
        "डॉक्टर ने बेटा है या बेटी बताने से मना कर दिया, क्या यह नियम है?",
    ),
    "folk_prediction": (
        "दादी कहती हैं पेट नुकीला हो तो लड़का होता है, बस मज़े के लिए।",
        "मीठा ज़्यादा खाने का मन हो तो लड़की, ऐसी पुरानी मान्यता है।",
    ),
    "gender_reveal": (
        "गोदभराई में सबने गुलाबी और नीले कपड़े पहने, बहुत मज़ा आया।",
        "बिटिया के जन्म पर पूरे मोहल्ले में मिठाई बाँटी।",
        "भगवान की कृपा से कल रात बेटा हुआ, माँ और बच्चा दोनों ठीक हैं।",
    ),
    "kids_product": (
        "लड़कों और लड़कियों के लिए सूती कपड़े, 0-5 साल, फ्री डिलीवरी।",
        "बच्चों के खिलौने, लड़का हो या लड़की सबके लिए।",
        "बेबी बॉय के लिए सूती झबले और टोपी, सेट की कीमत {inr}।",
        "मेरी बेटी है सात साल की और बेटा है चार का, दोनों की स्कूल ड्रेस चाहिए, रेट बताइए।",
        "बेटे के जन्मदिन के लिए कुर्ता पजामा सेट, {inr}, ऑर्डर के लिए व्हाट्सएप करें।",
    ),
    "other_sexing": (
        "चूज़ों में नर और मादा की पहचान का प्रशिक्षण, {acc} सटीकता।",
        "फॉर्म में लिंग चुनें: पुरुष / महिला / अन्य।",
        "पपीते के पौधों में नर और मादा की पहचान फूल आने से पहले कैसे करें।",
    ),
    "explainer": (
        "बच्चे का लिंग गर्भधारण के समय पिता के गुणसूत्र से तय होता है।",
        "माँ के खून में भ्रूण का डीएनए होता है, इसी से एनआईपीटी जांच होती है।",
    ),
    "research": (
        "सर्वे के अनुसार जन्म के समय लिंगानुपात में सुधार हुआ है।",
        "अध्ययन में पाया गया कि कुछ जिलों में लड़कियों की संख्या अब भी कम है।",
    ),
}

VIOLATING_LATN = {
    "fetal_sex_id_ad": (
        "Sirf {wk} hafte me pata karo ladka hai ya ladki, report {acc} sahi.",
        "Gender test available hai, {inr} me, bilkul secret rakhenge.",
        "Hone wali mummy dhyan de: ultrasound se beta ya beti bata denge.",
        "Meri bhabhi ne yahin karwaya tha, beta bataya aur beta hi hua.",
        "Blood test se {wk} week me gender pata chalega, koi risk nahi.",
        "Ling jaanch ke liye {city} me trusted centre, WhatsApp karo.",
        "Do betiyan pehle se hain? Is baar pehle hi jaan lo.",
        "Doctor sahab ishare se bata denge, blue ya pink, fees {inr}.",
        "Baby boy ya girl, {wk2} week pe report milegi.",
        "{n} families ko sahi result diya hai, aap bhi bharosa karo.",
    ),
    "sex_selection_ad": (
        "Beta paida karne ki ayurvedic dawa, {few} mahine ka course, beta pakka.",
        "Putrajeevak seeds se baby boy ki guarantee.",
        "Beta paida kit ke saath baby boy ke kapde free, order karein.",
        "{country} me IVF gender selection, poora package {inr_big}.",
        "Beta hoga, guarantee hai, warna paisa wapas.",
        "Do betiyon ke baad beta chahiye? Hamara special course try karo.",
        "Conceive karne se pehle ye churan lo, ladka hone ke chances {pct}% tak.",
        "Embryo ka gender choose karke transfer, abroad me legal hai.",
        "Meri wife ne ye medicine li aur humein beta hua, aap bhi try karo.",
    ),
    "blood_shipping_ad": (
        "Ghar baithe blood sample do, hamara banda lab tak le jayega.",
        "Sample courier se bhejo, cold box me, result do din me.",
        "Nurse ghar aake blood legi aur bahar ki lab bhejegi, gender pata chal jayega.",
        "Kit me needle, tube aur return envelope hai, bas kuch boond khoon chahiye.",
    ),
}

CTA_LATN = (
    "WhatsApp karo: {inphone}",
    "Contact: {inphone}",
    "Abhi call karo {inphone}",
    "DM for booking",
    "Telegram {tg}",
    "Limited slots, aaj hi book karo!",
)

BENIGN_LATN = {
    "news_about_case": (
        "Health team ne {city} me illegal ling jaanch karte hue ek centre pakda.",
        "Decoy mahila se gender test ke liye {inr} liye gaye, phir police ne raid ki.",
        "Court ne PCPNDT Act ke tahat doctor ko {months} mahine ki saza sunayi.",
        "Police ke mutabik gang social media pe 'beta pakka' jaise ads deta tha.",
    ),
    "warning": (
        "Ling jaanch karwana aur karna dono kanooni apraadh hai.",
        "Beta paida karne wali dawa ke jhanse me mat aao, ye nuksaan kar sakti hai.",
        "Yahan bhroon ke ling ki jaanch nahi ki jaati.",
        "Beti bachao, beti padhao. Gender test ki khabar helpline pe do.",
        "Is page pe ling jaanch ki koi service nahi milti, please aisi demand mat karo.",
    ),
    "law_text": (
        "PCPNDT Act ki dhara 22 ke hisaab se sex determination ka koi bhi ad banned hai.",
        "Koi bhi vyakti pregnant mahila ko bachche ka ling nahi batayega.",
    ),
    "platform_policy": (
        "Gender test ya gender selection wale ads is platform pe allowed nahi hain.",
        "Aisi posts report karo jo beta ya beti batane ki service bechti hain.",
    ),
    "moderation_wordlist": ("{wordlist}", "Blocked words: {wordlist}"),
    "legit_screening": (
        "NIPT test se Down syndrome ka risk pata chalta hai, gender nahi bataya jata.",
        "Pregnancy confirm karne ke liye HCG blood test, report same day.",
    ),
    "user_question": (
        "Kya {wk} week me blood test se gender pata chalta hai? Ye legal hai kya?",
        "Saas baar baar puchti hai beta hoga kya, kya karun?",
        "Putrajeevak sach me kaam karta hai ya bas afwah hai?",
        "{wk} hafte ki pregnancy hai, ghar wale poochte hain baby ka gender, kya Dubai me pata "
        "chalta hai?",
        "Doctor ne gender batane se mana kar diya, kya ye rule hai ya kahin aur pata chal sakta "
        "hai?",
    ),
    "folk_prediction": (
        "Dadi kehti hain pet nukila ho to ladka hota hai, bas mazaak me.",
        "Meetha zyada khane ka mann ho to ladki, aisi purani maanyata hai.",
    ),
    "gender_reveal": (
        "Baby shower me sabne pink aur blue pehna, bahut maza aaya!",
        "Beti hui hai, poore mohalle me mithai baanti.",
        "Kal raat baby boy hua, maa aur bachcha dono healthy hain, sabka shukriya!",
        "Blessed with a baby boy today, bhagwan ka shukr hai, sab theek hai.",
    ),
    "kids_product": (
        "Boys aur girls ke liye cotton kapde, 0-5 saal, free delivery.",
        "Bachchon ke khilone, ladka ho ya ladki sabke liye.",
        "Baby boy ke liye dungaree aur topi ka set, sirf {inr}, cash on delivery.",
        "Beti aur bete ke liye school bag aur lunch box combo, {inr}, WhatsApp pe order karein.",
    ),
    "other_sexing": (
        "Chicks me male female pehchanne ki training, {acc} accuracy.",
        "Form me gender select karein: Male / Female / Other.",
    ),
    "explainer": (
        "Bachche ka ling conception ke time papa ke chromosome se tay hota hai.",
        "Maa ke blood me baby ka DNA hota hai, isi se NIPT test hota hai.",
    ),
    "research": (
        "Survey ke mutabik birth pe sex ratio me sudhaar hua hai.",
        "Study me paya gaya ki kuch districts me ladkiyon ki sankhya ab bhi kam hai.",
    ),
}

_CONTACT_HI = {"kids_product": ("ऑर्डर: {inphone}",), "legit_screening": ("अपॉइंटमेंट: {inphone}",)}
_CONTACT_LATN = {
    "kids_product": ("Order: {inphone}",),
    "legit_screening": ("Appointment: {inphone}",),
}

LISTING_HI = {
    "fetal_sex_id_ad": (
        "लिंग जांच {inr} संपर्क {inphone}",
        "बेटा या बेटी जानें, व्हाट्सएप {inphone}",
        "भ्रूण लिंग जांच, गुप्त, {inphone}",
    ),
    "sex_selection_ad": (
        "बेटा होने की दवा {inr}, कॉल {inphone}",
        "पुत्र प्राप्ति किट, व्हाट्सएप {inphone}",
    ),
    "legit_screening": ("एनआईपीटी जांच {inr}, अपॉइंटमेंट {inphone}",),
    "user_question": ("क्या लिंग जांच कानूनी है?",),
}
"""One-line listings (service plus contact or price) and the short posts that mirror them."""

LISTING_LATN = {
    "fetal_sex_id_ad": (
        "Ling jaanch {inr}, contact {inphone}",
        "Beta ya beti pata karo, WhatsApp {inphone}",
        "Gender test secret, {inphone}",
    ),
    "sex_selection_ad": (
        "Beta hone ki dawa {inr}, call {inphone}",
        "Putra prapti kit, WhatsApp {inphone}",
    ),
    "legit_screening": ("NIPT test {inr}, appointment {inphone}",),
    "user_question": ("Ling jaanch legal hai kya?",),
}

_TAGS = ("pregnancy", "garbhavastha", "mother", "baby", "health", "family")

PACK_HI = LanguagePack(
    lang="hi",
    violating=VIOLATING_HI,
    cta=CTA_HI,
    benign=BENIGN_HI,
    benign_contact=_CONTACT_HI,
    slots=SLOTS_HI,
    joiners=(" ", " ", "\n"),
    hashtags=_TAGS,
    trailers=("🙏", "👍", "शेयर करें", ""),
    listing=LISTING_HI,
    advertorial={**advertorial.HI_ADS, **advertorial.HI_TWINS},
)

PACK_LATN = LanguagePack(
    lang="hi-Latn",
    violating=VIOLATING_LATN,
    cta=CTA_LATN,
    benign=BENIGN_LATN,
    benign_contact=_CONTACT_LATN,
    slots=SLOTS_LATN,
    joiners=(" ", " ", "\n"),
    hashtags=_TAGS,
    trailers=("🙏", "👍", "share karo", ""),
    listing=LISTING_LATN,
    advertorial={**advertorial.LATN_ADS, **advertorial.LATN_TWINS},
)
