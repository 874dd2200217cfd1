"""Advertorial templates: content-farm articles that sell the service in an explainer's voice.

DESIGN.md: what separates an ad is what it does, not its words. The ads missed by models that
learnt from offers and FAQs read like a travel piece, a health explainer or a feature story: no
price, often no contact, but every sentence is on the customer's side. The service is "science",
"the earliest", "accurate", "safe"; "more and more families" use it; "many institutions" offer
it and the reader only has to pick one; going abroad is a convenience, and the law is mentioned
only to say where it is allowed. Each language here has those ads and, for the same vocabulary,
their twins in the voice of news features, explainers of the ban and warnings, which quote the
same claims in order to doubt or report them. Written for this generator from that description;
no real post is copied or rephrased.

Slot names are those of the language pack the templates belong to.
"""

from __future__ import annotations

ZH_ADS = {
    "fetal_sex_id_ad": (
        "早期胎儿性别检测的技术已经相当成熟，{hk}不少实验室都是看妈妈血液里有没有胎儿的Y染色体片段。",
        "和传统B超相比，母血检测的最大优势就是早，{wkcn}就能知道结果，不用苦等到四五个月。",
        "这项技术在国际上已经应用多年，准确率可达{acc}，是很多家庭了解宝宝性别的首选。",
        "近几年，专程去香港做早期性别检测的内地家庭一年比一年多，周末的检测中心常常要排队。",
        "目前香港开展这项检测的化验所不止一家，各家在价格、出报告速度上略有差别，宝妈们按需挑选即可。",
        "提前知道宝宝是男是女，不只是满足好奇心，也能更早准备衣物、布置婴儿房，让孕期更从容。",
        "整个检测只需抽取少量静脉血，对孕妈和胎儿都没有任何影响，当天就能回到内地。",
        "在香港，早期胎儿性别检测属于合法的医学检验项目，由持牌实验室完成，流程规范透明。",
        "不少准妈妈担心孕早期做不准，其实只要B超确认了宫内孕和胎心，检测的可靠性就很高。",
        "选择实验室时，建议优先考虑成立时间长、设备先进、报告规范的机构，结果更有保障。",
        "这项检测之所以受欢迎，一是早，二是准，三是安全，四是快，{hours}就能拿到报告。",
        "很多二胎家庭都希望提前了解胎儿性别，好做家庭规划，香港的早期检测正好满足了这一需求。",
        "科学技术的进步让了解宝宝性别不再是难事，一管血、一次检测，答案一目了然。",
        "香港的检测中心大多设在交通便利的地段，从深圳过关后半小时内就能到达。",
        "和民间流传的各种猜男女方法不同，DNA检测有严谨的科学依据，结果以数据说话。",
        "检测报告由实验室直接出具，内容清楚易懂，还有专人为宝妈解读。",
        "孕早期胎儿游离DNA就已经出现在母体血液中，这正是早期检测能够实现的科学基础。",
        "越来越多的年轻父母选择用科学的方法提前了解宝宝，而不是相信清宫图之类的说法。",
        "早孕性别检测有哪些好处？时间早、结果准、过程安全，对想早做打算的家庭来说非常省心。",
        "Y染色体检测在香港属于常规项目，技术门槛并不高，正规实验室的结果都比较稳定。",
        "随着检测技术普及，价格也比前几年亲民了不少，普通家庭完全可以负担。",
        "只要孕周达到要求，母血中的胎儿DNA就足以支持检测，不必担心太早做会影响结果。",
        "香港的化验所大多提供普通话服务，报告也有简体中文版本，内地孕妈沟通起来毫无障碍。",
        "口碑好的检测机构通常预约都比较满，建议有意向的孕妈提早安排行程。",
    ),
    "sex_selection_ad": (
        "{country}的试管婴儿技术成熟，当地法律允许在胚胎移植前筛选性别，这也是许多中国家庭远赴{country}的原因。",
        "第三代试管婴儿可以在移植前对胚胎进行全面的染色体检测，性别自然也一清二楚，成功率可达{pct}%。",
        "在{country}，大部分辅助生殖医院都开设了胚胎性别筛选项目，服务对象主要是国际患者。",
        "对于已经有一个孩子、希望儿女双全的家庭来说，海外三代试管是实现愿望最直接的途径。",
        "{country}的生殖中心普遍配有中文协调员，从签证到住宿都有人打理，出国做试管并不复杂。",
        "性别筛选在{country}属于合法的医疗服务，诊所公开提供，国内家庭前往就医不存在法律问题。",
        "近年来赴{country}做试管的中国夫妇逐年增加，其中相当一部分看中的正是可以选择宝宝性别。",
        "胚胎筛查不仅能排除染色体异常，还能让父母按照家庭计划选择男宝或女宝，一举两得。",
        "选择海外生殖机构时，可以重点比较实验室水平、胚胎培养经验和中文服务是否完善。",
        "科学备孕、精准筛选，越来越多的家庭通过三代试管实现了理想的家庭结构。",
        "相比国内漫长的排队和严格的限制，{country}的生殖医院流程灵活，性别筛选也是常规项目。",
        "海外试管的一大优势在于可以按家庭意愿挑选胚胎性别，这在国内是做不到的。",
        "不少有经验的中介会全程协助办理签证、预约医院和安排翻译，第一次出国做试管也不必紧张。",
        "{country}不少试管医院把胚胎性别筛选列入标准套餐，中文顾问会在首诊时为夫妻详细讲解。",
        "想一次做好生育规划的家庭，可以考虑{country}的三代试管，宝宝的性别在移植前就已确定。",
        "海外生殖中心吸引内地家庭的，除了较高的成功率，更重要的是可以按意愿挑选宝宝性别。",
    ),
    "blood_shipping_ad": (
        "对于时间紧张或不方便出行的孕妈，现在也可以在本地抽血，由专业团队把样本送到香港实验室检测。",
        "样本转运全程冷链，采血后{hours}内送达实验室，检测效果与本人到港抽血并无差别。",
        "目前提供样本转送服务的机构越来越多，孕妈足不出户就能拿到香港实验室的报告。",
        "异地送检让偏远地区的家庭也能享受到香港的早期检测技术，省去了来回奔波的时间和费用。",
        "规范的采血管和保温包装能保证胎儿游离DNA的稳定，这是异地送检结果可靠的关键。",
        "不少外地孕妈通过送检服务完成了检测，整个过程只需在家附近抽一次血。",
        "外地孕妈只需在当地抽血，样本由合作物流当天发往香港，省时又省心，报告出来第一时间通知。",
    ),
}
"""Chinese advertorial ads: promotion in the voice of a health or travel explainer."""

ZH_TWINS = {
    "explainer": (
        "母血中的胎儿游离DNA确实可以用来推测性别，但在内地，为非医学目的做这种检测、介绍或组织孕妇检测都是违法的。",
        "网上常把香港验血说成“最成熟”“最早”的方法，医生提醒，孕早期胎儿DNA含量很低，{wkcn}前后的结果误差并不小。",
        "第三代试管技术上能看出胚胎性别，但我国禁止非医学需要的胚胎性别选择，正规生殖中心只为遗传病家庭做筛查。",
        "有文章宣称“香港有很多机构提供这项服务，按需选择即可”，却不提血样出境和招揽广告在内地都属违法。",
        "所谓“科学检测、准确率{acc}”，是把产前筛查技术挪作他用的营销说法，医生提醒孕妈不要被误导。",
        "{country}等地的部分诊所确实向外国夫妇提供性别筛选，但出国做此类项目在医疗、法律和伦理上都有风险。",
    ),
    "news_about_case": (
        "记者调查发现，一些网站以科普文章的形式介绍香港验血，称其“科学可靠”“越早越好”，文末再引导读者私信咨询。",
        "据{customs}介绍，近年来为查胎儿性别赴港抽血或寄送血样的情况增多，海关已加强对出境孕妇血样的查验。",
        "调查显示，部分中介以“{country}试管可选性别”为卖点招揽内地夫妇，收费在{price_big}左右，涉嫌违法组织胎儿性别选择。",
        "警方查明，该团伙在多个平台发布“香港验血小知识”等软文，把非法性别鉴定包装成科普内容。",
        "据报道，越来越多的软文把跨境验血描述为“合法”“安全”，办案人员指出，内地的招揽和血样运送都属违法。",
        "监管部门通报，{province}多家自媒体账号以“育儿科普”为名推广海外胚胎性别选择，已被责令删除。",
        "{country}一家生殖中心的负责人对记者说：“来这里做胚胎性别筛选的外国夫妇，大多是因为本国法律不允许。”",
        "当地一名诊所医生接受记者采访时表示，前来{country}选择胎儿性别的夫妇中，来自中国和印度的占了多数。",
    ),
    "warning": (
        "网上那些介绍“最早的性别检测技术”的文章，看着像科普，其实大多是中介的软文，孕妈们别上当。",
        "别被“很多正规机构都能做”“按需选择”的说法迷惑，内地孕妇的血样寄往境外检测属于违法行为。",
        "医生提醒：所谓孕{wk}周验血查男女“安全无风险”，忽略了假报告和个人基因信息泄露的风险。",
        "出国做试管选性别并不像宣传中那样轻松，促排卵和多次移植对女性身体损伤不小，请谨慎考虑。",
        "看到把胎儿性别鉴定写成“家庭规划好帮手”的文章，请直接举报，这类内容违反广告法规定。",
    ),
    "research": (
        "研究者分析了{many}篇以科普形式出现的香港验血文章，发现多数强调“早、准、安全”，却很少提及法律风险。",
        "一项针对内容农场的调查发现，海外胚胎性别选择的推广文章常借用医学术语营造科学形象。",
    ),
}
"""Chinese twins: the same claims and places, quoted by reports, explainers and warnings."""

EN_ADS = {
    "fetal_sex_id_ad": (
        "Cell-free fetal DNA testing has made early gender blood tests one of the most reliable "
        "ways for parents to learn their baby's sex, often from {wk} weeks.",
        "Unlike the anatomy scan, which has to wait until mid-pregnancy, a blood test can reveal "
        "your baby's gender months earlier, with accuracy reported at {acc}.",
        "Many accredited laboratories in Hong Kong now offer early gender testing, so expectant "
        "parents can compare turnaround times and choose what suits them.",
        "Every year more families from the mainland travel to Hong Kong for an early gender test; "
        "the trip takes half a day and the draw itself takes minutes.",
        "Knowing early is not just about curiosity: it gives parents time to plan the nursery, "
        "choose names and prepare siblings.",
        "The science is straightforward: if Y-chromosome DNA is found in the mother's blood, the "
        "baby is a boy; if not, a girl.",
        "In Hong Kong the test is a legal laboratory service, carried out by licensed staff with "
        "clear, professional reports.",
        "Because only a small sample of the mother's blood is needed, the test carries no risk "
        "to the pregnancy, which is why so many mothers prefer it.",
        "When choosing a lab, look for years of experience, modern equipment and a clear report; "
        "the best-known labs publish their accuracy figures.",
        "Modern genetics has turned the old guessing games into a simple, evidence-based answer "
        "that arrives in {hours}.",
        "Early gender testing has become one of the most talked-about services among expectant "
        "mothers, and it is easy to see why: it is early, accurate and safe.",
        "Prices for early gender blood tests have come down in recent years, putting them within "
        "reach of ordinary families.",
        "Most Hong Kong labs serve mainland clients in Mandarin and issue reports in simplified "
        "Chinese, so the whole process is easy to follow.",
        "The benefits are clear: an answer months before the scan, from a procedure no more "
        "invasive than a routine check-up.",
    ),
    "sex_selection_ad": (
        "IVF clinics in {country} routinely offer sex selection alongside PGT, which is a large "
        "part of why couples from China and India travel there.",
        "With PGT, each embryo's chromosomes are read before transfer, so parents can plan a "
        "balanced family with near certainty.",
        "{country} has become a leading destination for family balancing: the law permits it, "
        "the clinics are experienced and the costs are lower than in the US.",
        "For families who already have a son or a daughter, gender selection abroad is the most "
        "dependable way to complete the family they imagined.",
        "Most international IVF centres in {country} provide coordinators who speak Mandarin and "
        "Hindi, so the journey is easier than many expect.",
        "Choosing the sex of your next child is now a mainstream option at fertility clinics in "
        "{country}, with success rates above {pct}%.",
        "When comparing clinics abroad, look at embryology results, PGT accuracy and the support "
        "they give overseas patients.",
        "One advantage of IVF abroad is the freedom to choose your baby's sex, something clinics "
        "at home cannot offer.",
        "Many fertility hospitals in {country} include embryo sex selection in their standard "
        "packages, and coordinators explain the options at the first consultation.",
    ),
    "blood_shipping_ad": (
        "Parents who cannot travel can still use Hong Kong labs: samples collected locally are "
        "sent chilled and arrive within {hours}.",
        "Sample transport services have grown quickly, so mothers across the country can now "
        "get a Hong Kong lab report without leaving home.",
        "Proper collection tubes and insulated packaging keep the fetal DNA stable, so a mailed "
        "sample is as reliable as one drawn at the lab.",
        "Remote testing saves a long trip: one local blood draw, and the lab does the rest.",
    ),
}
"""English advertorial ads."""

EN_TWINS = {
    "explainer": (
        "Cell-free fetal DNA can reveal a baby's sex, but offering or arranging such tests for "
        "non-medical reasons is illegal in mainland China and in India.",
        "Articles that call the Hong Kong blood test the earliest and most reliable gender test "
        "rarely mention that early results are often wrong and that shipping samples is a crime.",
        "PGT can identify the sex of embryos, yet transferring embryos by sex without medical "
        "reason is prohibited in China and India, whatever clinics abroad advertise.",
    ),
    "news_about_case": (
        "According to investigators, agents now publish explainer-style articles praising early "
        "gender blood tests as safe and scientific, then steer readers to private messages.",
        "According to customs officers, the number of travellers caught carrying pregnant women's "
        "blood to Hong Kong has risen as the tests are marketed more widely.",
        '"Most foreign couples who come to us ask for sex selection, because their own countries '
        'forbid it," a clinic director in {country} told reporters.',
        "Fertility agencies promoting gender selection in {country} to Chinese and Indian couples "
        "are under investigation after a series of sponsored travel articles, reporters found.",
    ),
    "warning": (
        "Be wary of articles that describe early gender blood tests as simple and risk-free: they "
        "are usually advertising, and the test is illegal where you live.",
        '"Many accredited labs offer it" is a sales line, not medical advice. Doctors warn '
        "against sending your blood abroad for a gender test.",
        "Travel pieces that present sex selection in {country} as routine leave out the health "
        "risks and the law at home. Think twice.",
    ),
}
"""English twins."""

HI_ADS = {
    "fetal_sex_id_ad": (
        "माँ के खून में बच्चे का डीएनए होता है, इसी विज्ञान से अब {wk} हफ्ते में ही लिंग जांच "
        "संभव है, रिपोर्ट {acc} सही।",
        "अल्ट्रासाउंड के लिए महीनों इंतज़ार क्यों? नई ब्लड टेस्ट तकनीक से जल्दी और सुरक्षित "
        "तरीके से पता चलता है कि बेटा है या बेटी।",
        "आजकल कई परिवार जल्दी लिंग जांच करवाते हैं ताकि आगे की तैयारी आराम से हो सके।",
        "कई भरोसेमंद लैब यह जांच करती हैं, आप अपनी सुविधा के हिसाब से चुन सकते हैं।",
    ),
    "sex_selection_ad": (
        "{country} के क्लिनिक आईवीएफ के साथ भ्रूण का लिंग चुनने की सुविधा खुलकर देते हैं, "
        "इसलिए कई भारतीय परिवार वहाँ जाते हैं।",
        "पीजीटी तकनीक से ट्रांसफर से पहले हर भ्रूण की जांच होती है, परिवार अपनी पसंद से बेटा या बेटी चुन सकता है।",
        "पुत्र प्राप्ति के लिए विज्ञान पर भरोसा कीजिए, विदेश के क्लिनिक में सफलता दर {pct}% तक।",
    ),
    "blood_shipping_ad": (
        "दूर रहने वाले परिवारों के लिए अब घर के पास खून लेकर सैंपल लैब तक भेजने की सुविधा "
        "भी है, लिंग की रिपोर्ट जल्दी मिलती है।",
    ),
}
"""Hindi (Devanagari) advertorial ads."""

HI_TWINS = {
    "explainer": (
        "माँ के खून से भ्रूण का लिंग पता किया जा सकता है, लेकिन भारत में पीसीपीएनडीटी कानून "
        "के तहत ऐसी जांच और उसका विज्ञापन अपराध है।",
        "विदेश में आईवीएफ से लिंग चुनने के विज्ञापन वैज्ञानिक लगते हैं, पर भारत में यह "
        "प्रतिबंधित है और सेहत के लिए जोखिम भी है।",
    ),
    "news_about_case": (
        "जांच में पता चला कि गिरोह जल्दी लिंग जांच को 'सुरक्षित और वैज्ञानिक' बताने वाले "
        "लेख ऑनलाइन डालता था, फिर लोगों से संपर्क करता था।",
    ),
    "warning": ("'कई लैब यह जांच करती हैं' जैसे लेखों पर भरोसा न करें, भ्रूण लिंग जांच गैरकानूनी है।",),
}
"""Hindi (Devanagari) twins."""

LATN_ADS = {
    "fetal_sex_id_ad": (
        "Maa ke blood me baby ka DNA hota hai, isi science se ab {wk} week me hi gender test "
        "possible hai, report {acc} sahi.",
        "Ultrasound ke liye mahino wait kyun? Naye blood test se jaldi aur safe tarike se pata "
        "chalta hai beta hai ya beti.",
        "Aajkal bahut families early gender test karwati hain taaki aage ki taiyari aaram se ho.",
        "Kai trusted labs ye test karti hain, aap apni suvidha ke hisaab se chun sakte ho.",
    ),
    "sex_selection_ad": (
        "{country} me IVF ke saath embryo ka gender choose karna legal hai, isliye kai Indian "
        "families wahan jaati hain.",
        "PGT se transfer se pehle har embryo check hota hai, family apni pasand se beta ya beti "
        "chun sakti hai.",
        "Beta chahiye to science pe bharosa karo, abroad clinic me success rate {pct}% tak.",
    ),
    "blood_shipping_ad": (
        "Door rehne wali families ke liye ab ghar ke paas blood lekar sample lab bhejne ki "
        "suvidha bhi hai, gender report jaldi milti hai.",
    ),
}
"""Romanised Hindi advertorial ads."""

LATN_TWINS = {
    "explainer": (
        "Maa ke blood se baby ka gender pata ho sakta hai, par India me PCPNDT Act ke tahat aisa "
        "test aur uska ad dono apraadh hain.",
        "Abroad IVF gender selection ke ads scientific lagte hain, par India me ye banned hai aur "
        "sehat ke liye risk bhi hai.",
    ),
    "news_about_case": (
        "Police jaanch me pata chala gang early gender test ko 'safe aur scientific' batane "
        "wale articles online daalta tha, phir logon se contact karta tha.",
    ),
    "warning": (
        "'Kai labs ye test karti hain' jaise articles pe bharosa mat karo, gender test "
        "gairkanooni hai.",
    ),
}
"""Romanised Hindi twins."""
