#include "figures.h"

#include <pthread.h>
#include <unictype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "unicode.h"
#include "util.h"

/* How it works: one linear pass turns the text into words, numbers and punctuation (byte
 * ranges, no copies), a sentence or a bounded window at a time. Each number is then judged
 * from the few tokens around it, and its label is built from word tokens next to it. The word
 * lists below are the only language knowledge: English-first, but numbers, "%" and currency
 * signs are script-neutral, so other languages still get values with a best-effort label. */

#define VALUE_MAX 64
#define LABEL_MAX 48
#define LABEL_WORDS 6
#define NUMBER_MAX_BYTES 32
#define NUMBER_MAX_GROUPS 8
/* A window holds one sentence; a longer run of text is cut into overlapping windows so every
 * number still sees LOOKAHEAD tokens after it and KEEP_BEHIND tokens before it. */
#define WINDOW 256
#define LOOKAHEAD 24
#define KEEP_BEHIND 16
/* Candidates kept while scanning; more than ever reach a card, so the ranking can choose. */
#define POOL_SIZE 16
#define PHRASE_MAX 16
/* A label cut from text without spaces (Chinese, Japanese, Thai) takes this many characters after
 * the number. */
#define UNSPACED_LABEL_CHARS 6
#define UNSPACED_SUBJECT_CHARS 4
/* Words read to tell a story's language, and nouns a label takes in the languages that are not
 * English. */
#define LANG_SAMPLE_WORDS 32
#define LANG_LABEL_NOUNS 4

enum word_flag {
    W_ARTICLE = 1u << 0,
    W_DET = 1u << 1,  /* determiners and pronoun adjectives: dropped at label edges */
    W_LINK = 1u << 2, /* prepositions a label may run through ("deaths in Texas") */
    W_PREP = 1u << 3, /* prepositions that end a label ("... a year to fentanyl") */
    W_CONJ = 1u << 4,
    W_VERB = 1u << 5,   /* verbs and auxiliaries that end a label */
    W_BREAK = 1u << 6,  /* pronouns and words that start a new idea: "for the first time" */
    W_APPROX = 1u << 7, /* "about 75,000": skipped when looking for the subject */
    W_LEADIN = 1u << 8, /* "tariffs totaling 20%": links a subject to the figure */
    W_TIME = 1u << 9,
    W_MONTH = 1u << 10,
    W_SCALE = 1u << 11,           /* "1.5 million" */
    W_CURRENCY = 1u << 12,        /* "5 dollars" */
    W_CURRENCY_SCALED = 1u << 13, /* money only after a scale word: "2 billion pounds" */
    W_UNIT = 1u << 14,            /* abbreviations kept in the value: "5 km" */
    W_UNIT_WORD = 1u << 15,       /* nouns that make even a small number a figure: "5 years" */
    W_NAMES_NUMBER = 1u << 16,    /* "Route 66", "No 10", "aged 45": the number is a name or rank */
    W_YEAR_BEFORE = 1u << 17,     /* "by 2030": a target year is the point */
    W_YEAR_VERB = 1u << 18,       /* "2024 was ...": a year as the subject is the point */
    W_PERCENT = 1u << 19,
    W_CLOCK = 1u << 20,   /* "9 am", "10 GMT": a time of day */
    W_SPAN = 1u << 21,    /* "13 min", "2 hours": how long or how long ago, never the point */
    W_META = 1u << 22,    /* "87 comments", "342 points": about the post, not the story */
    W_MEASURE = 1u << 23, /* units of measure, kept in the value: "5.7 tonnes", "2,27 Meter" */
};

#define W_STOP (W_PREP | W_CONJ | W_VERB | W_BREAK)
#define W_EDGE (W_ARTICLE | W_DET | W_LINK | W_PREP | W_CONJ | W_VERB | W_BREAK | W_APPROX)
#define W_NOT_CONTENT                                                                              \
    (W_EDGE | W_TIME | W_MONTH | W_SCALE | W_CURRENCY | W_PERCENT | W_CLOCK | W_LEADIN | W_META)

struct word_group {
    unsigned flags;
    const char *words; /* lowercase, separated by single spaces; matched case-insensitively */
};

/* A word in several groups gets all their flags ("that" is a determiner and a conjunction). */
static const struct word_group word_groups[] = {
    {W_ARTICLE, "a an the"},
    /* Function words of other languages that use spaces: only dropped at label edges, so a
     * French or German label does not start with "de" or "im". */
    {W_ARTICLE, "der die das den dem des im bei von und le les la du au aux de et el los las del "
                "al en di на в до по и"},
    {W_DET, "this that these those its their his her our your my some any such each every both "
            "also even still very"},
    /* Numbers in words count what follows: "in the three months" is a time phrase. */
    {W_DET, "two three four five six seven eight nine ten eleven twelve"},
    {W_LINK, "of on in for per among across within throughout near"},
    {W_PREP, "to by until till at from with without into onto upon against after before since "
             "during through via like despite amid between toward towards beyond versus vs off "
             "out as about around over under up down below above"},
    {W_CONJ, "that after before since as than and or but nor yet so because while whereas "
             "although though if unless whether which who whom whose where when why how what "
             "then"},
    {W_BREAK, "it they he she we you i there them now first second third fourth fifth sixth "
              "seventh eighth ninth tenth straight consecutive"},
    {W_APPROX, "some as than about around over under now below above approximately nearly "
               "almost roughly estimated just only barely more less fewer least most much many "
               "another upwards circa"},
    /* Auxiliaries and verbs common in news: each ends a label. */
    {W_VERB, "being am having will would could should may might must can cannot shall do does "
             "did said says say saying told tells according citing causing including noting "
             "adding warns reports announces expects seeks sought wants want makes made make get "
             "gets got take takes took taken see sees saw seen faces go goes went gone come "
             "comes came give gives gave given shows shown remain remains become becomes became "
             "marks brought brings put puts keep keeps kept means meant needs sold sent built "
             "bought began won met fled struck die dies shot buy buys sell sells acquire "
             "acquires own owns believe believes think thinks live expect predict predicts "
             "oppose opposes favor favour prefer prefers approve approves"},
    /* Verbs that tie a subject to its figure: "tariffs totaling 20%", "prices rose 5%". */
    {W_VERB | W_LEADIN, "is are was were be been has have had lost reach reached reaches "
                        "reaching totaling totalling totaled totalled totals rose risen fell "
                        "fallen grew grown sank shrank slid stood stands hits tops exceeds "
                        "costing pays paid spend spent held kills killing invest invests earned "
                        "wiped wiping"},
    /* Lead-ins that are nouns just as often: "a 20% cut in rates", "costs fell 3%". */
    {W_LEADIN,
     "worth hit cut cuts costs pay raise raises hikes lifts lowers boosts slashes rise rises "
     "rising fall falls falling drop drops gain gains jump jumps surge surges climb "
     "climbs top tops soar slump slide plunge tumble sink dip rally grow shrink slumps plunges "
     "tumbles sinks dips rallies grows shrinks soars closes ends earn earns wipe wipes"},
    {W_LEADIN, "of for to by at from up down"},
    {W_YEAR_BEFORE, "by until till"},
    {W_YEAR_VERB, "is was has had will would could sees saw becomes became marks brought brings"},
    {W_TIME, "annually yearly monthly weekly daily today yesterday tomorrow tonight last next "
             "earlier later ago quarter overall alone month-on-month year-on-year year-over-year "
             "quarter-on-quarter monday tuesday wednesday thursday friday saturday sunday"},
    /* Adverbs of place read like time here: they say where, not what is counted. */
    {W_TIME, "worldwide globally nationwide overseas abroad"},
    {W_TIME, "summer winter autumn spring weekend"},
    {W_TIME | W_UNIT_WORD, "year years month months week weeks day days hour hours minutes "
                           "seconds decades"},
    /* Live blogs and link aggregators: "13 min ago", "5 min read", "2 hrs", "87 comments". */
    {W_TIME | W_SPAN, "min mins minute minutes hr hrs hour hours sec secs seconds minuten minuut "
                      "minutos minuto minuti minuta минут минуты часов часа stunden horas heures "
                      "uur ore"},
    /* Years and days of other languages: time, never counted ("de 26 años" is an age). */
    {W_TIME, "jahre jahren jahr tage tagen años año anos ano ans jours anni anno giorni jaar jaren "
             "dagen лет года год дней trimestre trimestres semestre semestres quartal halbjahr "
             "kwartaal квартал квартале"},
    {W_META, "comments comment replies upvotes upvoted downvotes likes retweets reposts "
             "reactions karma"},
    {W_TIME | W_MONTH, "january february march april may june july august september october "
                       "november december"},
    {W_MONTH, "jan feb mar apr jun jul aug sep sept oct nov dec"},
    /* Months after a day in the sign's other languages: "8 septembre", "20 декабря". */
    {W_MONTH, "januar februar märz juni oktober dezember janvier février avril juin juillet "
              "août septembre octobre décembre enero febrero marzo abril mayo junio julio agosto "
              "septiembre octubre noviembre diciembre janeiro fevereiro março maio junho julho "
              "setembro outubro novembro dezembro gennaio febbraio aprile maggio giugno luglio "
              "settembre ottobre dicembre januari februari maart mei augustus января февраля "
              "марта апреля мая июня июля августа сентября октября ноября декабря"},
    {W_UNIT_WORD | W_MEASURE,
     "meter meters metre metres metro metros metri mètre mètres miles mile kilometres kilometers "
     "kilometer kilómetros kilometri kilomètres километров tonnes tonne tons tonnen toneladas "
     "tonnellate тонн тонны degrees grad grados gradi degrés graden градусов feet acres hectares "
     "hektar hectáreas hectares ettari гектаров litres liters liter litros litri литров gallons "
     "barrels kilograms kilogramm kilos kilo grams millimetres millimeters millimeter millimètres "
     "milímetros millimetri миллиметров centimetres centimeters zentimeter centímetros"},
    {W_UNIT_WORD, "points pounds"},
    {W_UNIT, "km c kg mph kph cm mm mg lb lbs oz ft gw mw kw gwh mwh kwh twh tb gb tbps gbps mbps "
             "ghz mhz"},
    {W_SCALE, "thousand million billion trillion mn mln bn tn trn crore crores lakh lakhs"},
    /* The same in the languages of the sign's lobbies ("mil" is a thousand in Spanish and
     * Portuguese). */
    {W_SCALE, "millionen million mio milliarde milliarden mrd millions milliard milliards millón "
              "millones millon mil milhão milhões milhao milhoes bilhão bilhões bilhao bilhoes "
              "milione milioni miliardo miliardi miljoen miljoenen miljard miljarden тыс тысяч "
              "тысячи млн миллион миллиона миллионов млрд миллиард миллиарда миллиардов трлн "
              "ألف آلاف مليون ملايين مليار مليارات हज़ार हजार लाख करोड़ अरब"},
    {W_CURRENCY, "dollar dollars euro euros yuan renminbi yen rupee rupees rubles roubles pesos "
                 "francs dólar dólares dolares reais рублей рубля долларов доллара евро юаней "
                 "دولار دولارات يورو جنيه ريال درهم रुपये"},
    {W_CURRENCY_SCALED, "won pounds rand reais lira kronor kroner krona crowns"},
    {W_PERCENT, "percent pct prozent procent процента процентов процент بالمئة بالمائة प्रतिशत"},
    {W_NAMES_NUMBER, "no nos number page section article chapter route flight gate room level "
                     "grade version season episode phase stage round platform channel floor aged "
                     "age ages ranked week day"},
    {W_CLOCK, "am pm a.m. p.m. gmt utc bst cet cest et est edt pt pst pdt o'clock o’clock uhr "
              "heures"},
};

/* Languages whose labels follow their own word order. English uses the rules of make_label;
 * the others get clause_label, driven by the word classes below. */
enum lang {
    LANG_EN,
    LANG_DE,
    LANG_FR,
    LANG_ES,
    LANG_PT,
    LANG_IT,
    LANG_NL,
    LANG_RU,
    LANG_AR,
    LANG_HI,
    LANG_COUNT
};

enum word_class {
    C_ART = 1u << 0,    /* articles and determiners: an edge of a noun phrase */
    C_OF = 1u << 1,     /* "plan de 14.100 millones": the noun before names the figure */
    C_CHAIN = 1u << 2,  /* links nouns inside a phrase: "cifra de fallecidos", "Zahl der Toten" */
    C_TO = 1u << 3,     /* "sube a 158", "steigt auf 6": the figure is a predicate */
    C_PREP = 1u << 4,   /* starts a prepositional phrase, which a label leaves out */
    C_APPROX = 1u << 5, /* "plus de", "rund", "около": skipped before the figure */
    C_VERB = 1u << 6,
    C_CONJ = 1u << 7,       /* ends the clause */
    C_PRON = 1u << 8,       /* pronouns: a subject that names nothing */
    C_ADV = 1u << 9,        /* adverbs inside the verb group: "ya", "noch", "già" */
    C_SHARE = 1u << 10,     /* "du PIB": a base the percentage is of, not what it measures */
    C_REFLEXIVE = 1u << 11, /* "se", "si", "sich": the next word is a verb */
};

#define C_FUNCTION (C_ART | C_OF | C_CHAIN | C_TO | C_PREP | C_CONJ | C_PRON)

struct lang_group {
    enum lang lang;
    unsigned classes;
    const char *words; /* as in word_groups */
};

/* Function words and common news verbs. Verbs not listed are found by their endings
 * (looks_like_verb). English has only what language detection needs. */
static const struct lang_group lang_groups[] = {
    {LANG_EN, C_FUNCTION,
     "the a an of and to in is for on with by at from as that it are was "
     "were has have be will not but after over into than about this their "
     "its who says said new more"},
    {LANG_DE, C_ART, "der die das den dem des ein eine einen einem einer eines"},
    {LANG_DE, C_OF | C_CHAIN, "von"},
    {LANG_DE, C_CHAIN, "der des"},
    {LANG_DE, C_TO, "auf um bei zu"},
    {LANG_DE, C_PREP,
     "in im an am auf aus bei mit nach seit von vor zu zum zur für über unter "
     "durch gegen ohne um bis laut gegenüber innerhalb während wegen ab vom beim "
     "ins"},
    {LANG_DE, C_APPROX,
     "rund etwa knapp fast mehr als über mindestens bis gut nahezu weniger "
     "circa ca insgesamt weitere"},
    {LANG_DE, C_VERB,
     "ist sind war waren wird werden wurde wurden hat haben hatte hatten soll "
     "sollen sollte will wollen kann können muss müssen steigt stieg stiegen "
     "sinkt sank sanken fällt fiel fielen liegt lag lagen wächst wuchs erreicht "
     "erreichte beträgt betrug betrugen klettert kletterte verliert verlor gewinnt "
     "gewann bricht brach streicht strich plant plante kommt kam setzt setzte "
     "zählt zählte meldet meldete teilte teilt erhöht erhöhte senkt senkte kostet "
     "kostete verzeichnet verzeichnete registrierte registriert verdient "
     "verdiente schrumpft schrumpfte"},
    {LANG_DE, C_CONJ, "und oder aber dass weil wenn als"},
    {LANG_DE, C_PRON, "es er sie wir man"},
    {LANG_DE, C_REFLEXIVE, "sich"},
    {LANG_DE, C_ADV,
     "davon damit dabei dafür dazu noch bereits schon nun jetzt auch nur nicht "
     "jährlich erstmals zuletzt"},
    {LANG_DE, C_SHARE, "bip"},
    {LANG_FR, C_ART, "le la les un une des du au aux ce cette ces son sa ses leur leurs"},
    {LANG_FR, C_OF | C_CHAIN, "de du des"},
    {LANG_FR, C_TO, "à au aux par"},
    {LANG_FR, C_PREP,
     "à au aux dans en par pour sur sous avec sans selon chez depuis pendant "
     "entre vers contre après avant lors malgré"},
    {LANG_FR, C_APPROX, "plus près environ presque quelque quelques moins"},
    {LANG_FR, C_VERB,
     "est sont était étaient a ont avait avaient sera seront va vont fait font "
     "atteint atteignent dépasse dépassent recule reculent augmente augmentent "
     "baisse baissent chute chutent grimpe grimpent progresse progressent "
     "remonte remontent diminue diminuent passe passent représente représentent "
     "compte comptent affiche affichent enregistre enregistrent coûte coûtent "
     "gagne gagnent perd perdent devrait devraient pourrait doit doivent"},
    {LANG_FR, C_CONJ, "et ou mais que qui dont car donc lorsque quand si"},
    {LANG_FR, C_PRON, "il elle ils elles on nous vous je cela ça y"},
    {LANG_FR, C_REFLEXIVE, "se"},
    {LANG_FR, C_ADV, "ne pas déjà encore également aussi désormais toujours"},
    {LANG_FR, C_SHARE, "pib"},
    {LANG_ES, C_ART, "el la los las un una unos unas lo al del su sus este esta estos estas"},
    {LANG_ES, C_OF | C_CHAIN, "de del"},
    {LANG_ES, C_TO, "a al en hasta"},
    {LANG_ES, C_PREP,
     "a al en con por para desde hasta sobre entre sin tras según durante "
     "contra ante hacia bajo"},
    {LANG_ES, C_APPROX, "más menos casi cerca alrededor aproximadamente"},
    {LANG_ES, C_VERB,
     "es son fue fueron era eran ha han había habían será serán está están sube "
     "suben baja bajan cae caen crece crecen aumenta aumentan supera superan "
     "alcanza alcanzan registra suma asciende gana pierde encarece abarata "
     "cierra marca sitúa ubica logra eleva recorta dispara"},
    {LANG_ES, C_CONJ, "y e o u pero que porque cuando si aunque"},
    {LANG_ES, C_PRON, "él ella ellos ellas le les quien"},
    {LANG_ES, C_REFLEXIVE, "se"},
    {LANG_ES, C_ADV, "ya no también aún todavía solo sólo mayor menor"},
    {LANG_ES, C_SHARE, "pib"},
    {LANG_PT, C_ART, "o a os as um uma uns umas ao aos à às seu sua seus suas"},
    {LANG_PT, C_OF | C_CHAIN, "de do da dos das"},
    {LANG_PT, C_TO, "para a em até"},
    {LANG_PT, C_PREP,
     "ao aos à às em no na nos nas com por para pelo pela até desde sobre entre sem após "
     "segundo contra"},
    {LANG_PT, C_APPROX, "mais menos quase cerca aproximadamente"},
    {LANG_PT, C_VERB,
     "é são foi foram era eram tem têm teve tinha tinham será serão está estão "
     "sobe sobem cai caem cresce crescem aumenta aumentam atinge atingem supera "
     "eleva lucra registra soma chega fica recua avança perde ganha reduz"},
    {LANG_PT, C_CONJ, "e ou mas que porque quando"},
    {LANG_PT, C_PRON, "ele ela eles elas"},
    {LANG_PT, C_REFLEXIVE, "se"},
    {LANG_PT, C_ADV, "já não também ainda só maior menor"},
    {LANG_PT, C_SHARE, "pib"},
    {LANG_IT, C_ART, "il lo la i gli le un uno una suo sua suoi"},
    {LANG_IT, C_OF | C_CHAIN, "di del dello della dei degli delle"},
    {LANG_IT, C_OF, "dell"},
    {LANG_IT, C_TO, "a al allo alla ai agli alle all"},
    {LANG_IT, C_PREP,
     "a al alla in nel nella nei con per da dal dalla su sul sulla tra fra "
     "senza dopo prima secondo contro verso durante"},
    {LANG_IT, C_APPROX, "oltre circa quasi più meno"},
    {LANG_IT, C_VERB,
     "è sono era erano ha hanno aveva avevano sarà saranno sale salgono scende "
     "scendono cala calano cresce crescono aumenta aumentano supera superano "
     "raggiunge raggiungono tocca toccano registra segna perde perdono guadagna"},
    {LANG_IT, C_CONJ, "e ed o ma che perché quando se"},
    {LANG_IT, C_PRON, "lui lei loro"},
    {LANG_IT, C_REFLEXIVE, "si"},
    {LANG_IT, C_ADV, "già non anche ancora solo"},
    {LANG_IT, C_SHARE, "pil"},
    {LANG_NL, C_ART, "de het een"},
    {LANG_NL, C_OF | C_CHAIN, "van"},
    {LANG_NL, C_TO, "naar tot met op voor"},
    {LANG_NL, C_PREP,
     "in op aan bij met naar tot van voor uit over door na sinds tijdens zonder "
     "tegen volgens onder"},
    {LANG_NL, C_APPROX, "ruim circa bijna ongeveer meer dan minder rond"},
    {LANG_NL, C_VERB,
     "is zijn was waren wordt worden werd werden heeft hebben had hadden zal "
     "zullen stijgt stijgen steeg stegen daalt dalen daalde daalden kost kostte "
     "kosten bedraagt bedroeg bereikt bereikte verkoopt verkocht boekte boekt "
     "groeit groeide wint verliest verloor meldt meldde"},
    {LANG_NL, C_CONJ, "en of maar dat omdat als toen"},
    {LANG_NL, C_PRON, "hij zij ze wij we er"},
    {LANG_NL, C_REFLEXIVE, "zich"},
    {LANG_NL, C_ADV, "nog al ook niet nu"},
    {LANG_NL, C_SHARE, "bbp"},
    {LANG_RU, C_ART, "этот эта это эти"},
    {LANG_RU, C_OF, "в"},
    {LANG_RU, C_TO, "до на в к"},
    {LANG_RU, C_PREP,
     "в во на по с со за из от до для при под над о об у к через после без "
     "против среди"},
    {LANG_RU, C_APPROX, "более около почти свыше порядка примерно менее"},
    {LANG_RU, C_VERB,
     "является будет было был была были вырос выросла выросло выросли рос росла "
     "растет растёт"},
    {LANG_RU, C_CONJ, "и а но что как если когда или"},
    {LANG_RU, C_PRON, "он она они оно"},
    {LANG_RU, C_ADV, "уже ещё еще не также лишь только"},
    {LANG_RU, C_SHARE, "ввп"},
    {LANG_AR, C_OF, "بقيمة بنسبة بمعدل"},
    {LANG_AR, C_TO, "إلى الى"},
    {LANG_AR, C_PREP, "في من على عن مع بين حتى منذ خلال مقارنة"},
    {LANG_AR, C_APPROX, "نحو حوالي أكثر أقل قرابة"},
    {LANG_AR, C_VERB,
     "بلغ بلغت يبلغ تبلغ تراجع تراجعت يتراجع ارتفع ارتفعت يرتفع ترتفع انخفض "
     "انخفضت ينخفض تنخفض سجل سجلت يسجل تسجل قال قالت أعلن أعلنت وصل وصلت يصل تصل "
     "حقق حققت يحقق تحقق زاد زادت يزيد تزيد قتل قتلت أسفر أسفرت"},
    {LANG_AR, C_CONJ, "و أن إن التي الذي"},
    {LANG_AR, C_PRON, "هو هي"},
    {LANG_AR, C_ADV, "وحدها وحده"},
    {LANG_HI, C_OF | C_CHAIN, "की के का"},
    {LANG_HI, C_PREP, "में से पर को ने तक"},
    {LANG_HI, C_APPROX, "करीब लगभग ज्यादा अधिक"},
    {LANG_HI, C_VERB, "है हैं था थे थी रही रहा रहे हुई हुआ गई गया आई आया"},
    {LANG_HI, C_PRON, "यह वह ये वे इस उस"},
    {LANG_HI, C_CONJ, "और कि"},
};

/* ISO codes before or after an amount: "USD 5 million", "100 EUR". Matched case-sensitively
 * so the words "cad" or "rub" never turn a number into money. */
static const char *const currency_codes[] = {
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "CHF", "INR", "AUD", "CAD", "HKD", "KRW",
    "RUB", "BRL", "MXN", "ZAR", "SEK", "NOK", "DKK", "PLN", "SGD", "NZD", "Rs",
};

/* Letters glued before "$" that name the dollar: "US$5", "HK$10". Case-sensitive. */
static const char *const dollar_prefixes[] = {"US", "A", "AU", "C", "CA", "HK",
                                              "NZ", "S", "NT", "R", "MX", "Mex"};

/* Words before "N years" that make it a span of time rather than a figure. */
static const char *const duration_words[] = {"in",    "after", "over", "within", "for",
                                             "since", "past",  "last", "first",  "next"};

/* Nouns that only measure out what follows "of": the label is "US tariffs", not "rounds". */
static const char *const quantity_nouns[] = {
    "rounds", "round",    "number", "share", "percentage", "proportion", "half",
    "part",   "majority", "lot",    "lots",  "series",     "couple",     "pair",
    "total",  "amount",   "wave",   "waves", "set"};

/* Verbs that take "to" before the figure's verb: "Aldi agrees to pay $1.5bn". A noun may stand
 * there too ("Energy bills to rise 10%"), so only these count. */
static const char *const to_verbs[] = {
    "agree",     "agrees", "agreed",  "plan",     "plans",   "planned",  "aim",      "aims",
    "vow",       "vows",   "vowed",   "want",     "wants",   "seek",     "seeks",    "hope",
    "hopes",     "expect", "expects", "expected", "set",     "look",     "looks",    "move",
    "moves",     "need",   "needs",   "try",      "tries",   "prepare",  "prepares", "threaten",
    "threatens", "decide", "decides", "decided",  "promise", "promises", "pledge",   "pledges",
    "pledged",   "refuse", "refuses", "fail",     "fails",   "begin",    "begins",   "continue",
    "continues", "start",  "starts",  "is",       "are",     "was",      "were",     "due",
    "likely",    "poised", "forced",  "ordered",  "told",    "asked",    "able",     "going"};

/* Words between a lead-in and the figure that say what kind of figure it is: "hits record
 * $3,000", "a new 20% tariff". */
static const char *const value_modifiers[] = {"record", "new", "all-time", "fresh"};

/* Prepositions a subject runs through: "death toll in Vietnam", "Shipping through Suez Canal". */
static const char *const subject_links[] = {"of", "in", "on", "for", "among", "across", "through"};

static const char *const irregular_plurals[] = {"people", "children", "men", "women"};

/* "5.8% of GDP" measures the subject before it, not GDP. */
static const char *const share_bases[] = {"gdp", "output"};

/* Suffixes glued to a number, matched case-insensitively. */
static const char *const glued_scales[] = {"k", "m", "mn", "mln", "b", "bn", "tn", "trn"};

enum tok_kind { TOK_WORD, TOK_NUMBER, TOK_PUNCT };

enum num_form {
    NUM_BAD,           /* time, fraction, version, phone-like, leading zero: never a figure */
    NUM_INT,           /* 75 */
    NUM_DECIMAL,       /* 3.5 */
    NUM_GROUPED,       /* 75,000  1.234.567  75 000 (thin or no-break space) */
    NUM_DOT3,          /* 75.000: a decimal in English, thousands in German */
    NUM_DECIMAL_COMMA, /* 3,5 */
};

struct token {
    size_t start, end; /* bytes into the text */
    enum tok_kind kind;
    bool space_before;
    unsigned cp;         /* TOK_PUNCT: the code point; U+FFFD for invalid bytes */
    enum num_form form;  /* TOK_NUMBER */
    unsigned int_digits; /* TOK_NUMBER: digits before the first separator */
    uint64_t int_value;  /* TOK_NUMBER: the integer part (capped) */
    double amount;       /* TOK_NUMBER: for comparing the two ends of a range */
    unsigned flags;      /* TOK_WORD: word_groups flags, once looked up */
    bool looked_up;
    bool in_figure; /* part of a figure already taken: labels stop there */
};

struct window {
    const char *s;
    struct token toks[WINDOW];
    size_t n;
    bool starts_text;            /* toks[0] is the first token of the text */
    int title_case;              /* -1 unknown, else whether most words are capitalised */
    const char *title, *summary; /* the whole story, for story_lang */
    int lang;                    /* -1 unknown, else an enum lang */
};

enum fig_kind {
    FIG_NONE,
    FIG_PERCENT,
    FIG_MONEY,
    FIG_SCALED,
    FIG_MULTIPLIER,
    FIG_RATIO,
    FIG_GROUPED,
    FIG_UNIT,
    FIG_COUNT,
    FIG_YEAR,
};

/* How much each kind tends to be "the point" of a story. */
static const int kind_score[] = {
    [FIG_NONE] = 0,        [FIG_PERCENT] = 60, [FIG_MONEY] = 60,   [FIG_SCALED] = 55,
    [FIG_MULTIPLIER] = 50, [FIG_RATIO] = 55,   [FIG_GROUPED] = 45, [FIG_UNIT] = 35,
    [FIG_COUNT] = 30,      [FIG_YEAR] = 20,
};

enum label_rule {
    LABEL_AROUND,        /* noun phrase after the figure, or its subject before */
    LABEL_CLAUSE_BEFORE, /* the words before rule_at: "ban petrol car sales" by 2035 */
    LABEL_AFTER,         /* the phrase starting at rule_at: 2024 was "the hottest year" */
};

struct figure_span {
    enum fig_kind kind;
    size_t first, last; /* tokens of the value (sign, currency, number, suffix) */
    size_t number_last; /* last token of the number or range */
    size_t consumed;    /* last token the figure used; scanning resumes after it */
    const char *suffix; /* replaces tokens after number_last in the value ("%") */
    size_t tail_bytes;  /* of the token after last, also the value's: 万 of 1050万人次 */
    enum label_rule rule;
    size_t rule_at;
};

struct phrase {
    size_t words[PHRASE_MAX];
    size_t count;
};

struct candidate {
    char value[VALUE_MAX + 1];
    char label[LABEL_MAX + 1];
    int score;
    unsigned seq;
};

struct pool {
    struct candidate items[POOL_SIZE];
    size_t count;
    unsigned next_seq;
};

/* Anything that can be part of a word in some script. Punctuation, symbols, controls and
 * invalid bytes are not, so they never end up inside a label. */
static bool is_letter(unsigned c)
{
    if (c < 0x80)
        return ascii_is_alpha(c);
    if (c == 0xFFFD || c <= 0xBF || c == 0xD7 || c == 0xF7 || c == 0x0E3F || c == 0x0964 ||
        c == 0x0965 || (c >= 0x0660 && c <= 0x066C) || (c >= 0x06F0 && c <= 0x06F9))
        return false;               /* dandas; Arabic digits, percent and separators */
    if (c == 0x200C || c == 0x200D) /* joiners inside Persian, Indic and emoji words */
        return true;
    return !((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
             (c >= 0xD800 && c <= 0xF8FF) || (c >= 0xFE10 && c <= 0xFE6F) ||
             (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
             (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
             (c >= 0xFFE0 && c <= 0xFFFF) || (c >= 0x1F000 && c <= 0x1FAFF) || c >= 0xE0000);
}

static bool is_currency_symbol(unsigned c)
{
    static const unsigned symbols[] = {'$',    0xA3,   0xA5,   0x20AC, 0x20B9, 0x20A9,
                                       0x20BD, 0x20BA, 0x20AA, 0x20A6, 0x20B1, 0x20B4,
                                       0x20AB, 0x0E3F, 0x20BF, 0xFFE5, 0xFFE1, 0xFF04};
    for (size_t i = 0; i < ARRAY_LEN(symbols); i++)
        if (symbols[i] == c)
            return true;
    return false;
}

static bool is_minus(unsigned c)
{
    return c == '-' || c == 0x2212 || c == 0x2013;
}

static bool is_range_dash(unsigned c)
{
    return c == '-' || c == 0x2010 || c == 0x2011 || c == 0x2013;
}

static bool is_terminator(const struct token *t)
{
    return t->kind == TOK_PUNCT &&
           (t->cp == '.' || t->cp == '!' || t->cp == '?' || t->cp == 0x3002 || t->cp == 0xFF01 ||
            t->cp == 0xFF1F || t->cp == 0x0964 /* danda */);
}

/* Punctuation glued before a number that makes it part of something else: "#1", "v.2",
 * "24/7", "1:0", "°5". */
static bool is_glue_before(unsigned c)
{
    return c == '#' || c == '/' || c == ':' || c == '.' || c == ',' || c == '@' || c == '&' ||
           c == '*' || c == '^' || c == '=' || c == '_' || c == '\\' || c == '|' || c == 0xB0;
}

static bool is_opening(unsigned c)
{
    return c == '(' || c == '[' || c == '{' || c == '"' || c == '\'' || c == 0x201C ||
           c == 0x2018 || c == 0xAB || c == 0x300C;
}

/* Tokenizer */

struct scanner {
    const char *s;
    size_t len, pos;
};

static unsigned decode_at(const char *s, size_t len, size_t pos, size_t *n)
{
    return unicode_utf8_decode(s + pos, len - pos, n);
}

/* The digit at pos and its length in bytes: ASCII, Arabic-Indic (٢٧) or Eastern Arabic-Indic
 * (۲۷). -1 when there is none. */
static int digit_at(const char *s, size_t len, size_t pos, size_t *n)
{
    unsigned char c = (unsigned char)s[pos];
    *n = 1;
    if (ascii_is_digit(c))
        return c - '0';
    unsigned char next = pos + 1 < len ? (unsigned char)s[pos + 1] : 0;
    *n = 2;
    if (c == 0xD9 && next >= 0xA0 && next <= 0xA9)
        return next - 0xA0; /* U+0660..U+0669 */
    if (c == 0xDB && next >= 0xB0 && next <= 0xB9)
        return next - 0xB0; /* U+06F0..U+06F9 */
    return -1;
}

/* The separator at pos as its ASCII counterpart ("٫" is a decimal point, "٬" groups thousands)
 * and its length; 0 when there is none. */
static char separator_at(const char *s, size_t len, size_t pos, size_t *n)
{
    char c = s[pos];
    *n = 1;
    if (c == ',' || c == '.' || c == ':' || c == '/')
        return c;
    *n = 2;
    if (pos + 1 < len && (unsigned char)c == 0xD9 && (unsigned char)s[pos + 1] == 0xAB)
        return '.';
    if (pos + 1 < len && (unsigned char)c == 0xD9 && (unsigned char)s[pos + 1] == 0xAC)
        return ',';
    return 0;
}

/* Counts the digits from pos; *end is where they stop. */
static size_t count_digits(const char *s, size_t len, size_t pos, size_t *end)
{
    size_t count = 0, n;
    while (pos < len && digit_at(s, len, pos, &n) >= 0)
        pos += n, count++;
    if (end)
        *end = pos;
    return count;
}

/* Byte length of a thin, narrow no-break or no-break space at pos, else 0. These group digits
 * in French, Swiss and SI style ("75 000"); an ordinary space never does, it is too ambiguous. */
static size_t group_space_len(const char *s, size_t len, size_t pos)
{
    const unsigned char *p = (const unsigned char *)s + pos;
    if (pos + 2 <= len && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (pos + 3 <= len && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x89 || p[2] == 0xAF || p[2] == 0x87))
        return 3;
    return 0;
}

static uint64_t digits_value(const char *s, size_t len, size_t start, size_t count, uint64_t acc)
{
    size_t n;
    for (size_t i = 0; i < count; i++, start += n) {
        int d = digit_at(s, len, start, &n);
        if (acc > 100000000000000ull)
            return acc; /* capped: only comparisons with small numbers matter */
        acc = acc * 10 + (uint64_t)d;
    }
    return acc;
}

static double fraction_value(const char *s, size_t len, size_t start, size_t count)
{
    double f = 0, scale = 0.1;
    size_t n;
    for (size_t i = 0; i < count && i < 12; i++, scale /= 10, start += n)
        f += (double)digit_at(s, len, start, &n) * scale;
    return f;
}

/* Scans a maximal run of digits and separators and classifies it. The whole run becomes one
 * token even when it is not a figure, so "1.2.3" or "09:00" never leave a tail behind. */
static void scan_number(const char *s, size_t len, size_t pos, struct token *t)
{
    size_t gstart[NUMBER_MAX_GROUPS], glen[NUMBER_MAX_GROUPS];
    char gsep[NUMBER_MAX_GROUPS];
    size_t groups = 0, i = pos;
    bool bad = false;

    size_t d = count_digits(s, len, i, &i), n;
    gstart[0] = pos, glen[0] = d, gsep[0] = 0, groups = 1;
    while (i < len) {
        size_t skip;
        char sep = separator_at(s, len, i, &skip);
        if (!sep || i + skip >= len || digit_at(s, len, i + skip, &n) < 0) {
            skip = group_space_len(s, len, i);
            if (skip == 0 || count_digits(s, len, i + skip, NULL) != 3)
                break;
            sep = ' ';
        }
        i += skip;
        size_t start = i;
        d = count_digits(s, len, i, &i);
        if (groups < NUMBER_MAX_GROUPS) {
            gstart[groups] = start, glen[groups] = d, gsep[groups] = sep;
            groups++;
        } else {
            bad = true;
        }
    }
    t->end = i;
    t->kind = TOK_NUMBER;
    t->int_digits = (unsigned)MIN(glen[0], 99);
    t->int_value = digits_value(s, len, gstart[0], glen[0], 0);
    t->amount = (double)t->int_value;
    if (bad || i - pos > NUMBER_MAX_BYTES) {
        t->form = NUM_BAD;
        return;
    }

    enum num_form form = NUM_BAD;
    if (groups == 1) {
        form = NUM_INT;
    } else {
        char first = gsep[1], last = gsep[groups - 1];
        /* Thousands groups: every separator but possibly the last is the same one and every
         * group after the first has three digits. */
        bool same = true, threes = true;
        for (size_t g = 1; g < groups; g++) {
            if (gsep[g] == ':' || gsep[g] == '/')
                same = threes = false; /* a time, a ratio or a date: 09:00, 24/7 */
            if (g < groups - 1 && gsep[g] != first)
                same = false;
            if (g < groups - 1 && glen[g] != 3)
                threes = false;
        }
        bool lead_ok = glen[0] >= 1 && glen[0] <= 3;
        if (!same || !threes) {
            form = NUM_BAD;
        } else if (last == first) {
            if (glen[groups - 1] != 3 || !lead_ok)
                form = (groups == 2 && first == '.')   ? NUM_DECIMAL
                       : (groups == 2 && first == ',') ? NUM_DECIMAL_COMMA
                                                       : NUM_BAD;
            else if (groups == 2 && first == '.')
                form = NUM_DOT3;
            else
                form = NUM_GROUPED;
        } else if (lead_ok && ((first == ',' && last == '.') || (first == '.' && last == ',') ||
                               (first == ' ' && (last == ',' || last == '.')))) {
            form = NUM_GROUPED; /* with a decimal part: 1,234.5  1.234,5  1 234,5 */
        }
        if (form == NUM_GROUPED) {
            size_t int_groups = last == first ? groups : groups - 1;
            uint64_t v = t->int_value;
            for (size_t g = 1; g < int_groups; g++)
                v = digits_value(s, len, gstart[g], glen[g], v);
            t->int_value = v;
            t->amount = (double)v;
            if (int_groups < groups)
                t->amount += fraction_value(s, len, gstart[groups - 1], glen[groups - 1]);
        } else if (form != NUM_BAD) {
            t->amount += fraction_value(s, len, gstart[1], glen[1]);
        }
    }
    /* "0.5" is a number; "007", "09" and "0,500" are not figures. */
    if (digit_at(s, len, pos, &n) == 0 && (glen[0] > 1 || form == NUM_GROUPED))
        form = NUM_BAD;
    t->form = form;
}

/* Words take letters of any script, ASCII digits after ASCII letters ("G20", "COVID-19" are
 * names, not figures), and apostrophes, hyphens, dots and ampersands between letters. */
static size_t scan_word(const char *s, size_t len, size_t pos)
{
    size_t i = pos, n;
    unsigned prev = 0;
    bool has_dot = false;
    size_t last_dot = pos;
    while (i < len) {
        unsigned c = decode_at(s, len, i, &n);
        bool after_latin =
            ascii_is_alpha(prev) || ascii_is_digit(prev) || prev == '-' || prev == 0x2010;
        if (is_letter(c) || (ascii_is_digit(c) && after_latin)) {
            i += n, prev = c;
            continue;
        }
        if (c == '\'' || c == 0x2019 || c == '-' || c == 0x2010 || c == '.' || c == '&') {
            size_t n2;
            if (i + n >= len)
                break;
            unsigned next = decode_at(s, len, i + n, &n2);
            bool ok = is_letter(next) ||
                      ((c == '-' || c == 0x2010) && ascii_is_digit(next) && prev < 0x80);
            if (!ok)
                break;
            if (c == '.')
                has_dot = true, last_dot = i;
            i += n, prev = c;
            continue;
        }
        break;
    }
    /* "U.S.", "a.m.": keep the final dot of a dotted abbreviation. */
    if (has_dot && i < len && s[i] == '.' && i - last_dot <= 3)
        i++;
    return i;
}

static bool next_token(struct scanner *sc, struct token *t)
{
    bool space = sc->pos == 0;
    size_t n;
    while (sc->pos < sc->len) {
        unsigned c = decode_at(sc->s, sc->len, sc->pos, &n);
        if (!unicode_is_space(c))
            break;
        space = true;
        sc->pos += n;
    }
    if (sc->pos >= sc->len)
        return false;
    memset(t, 0, sizeof(*t));
    t->start = sc->pos;
    t->space_before = space;
    unsigned c = decode_at(sc->s, sc->len, sc->pos, &n);
    size_t digit_len;
    if (digit_at(sc->s, sc->len, sc->pos, &digit_len) >= 0) {
        scan_number(sc->s, sc->len, sc->pos, t);
    } else if (is_letter(c)) {
        t->kind = TOK_WORD;
        t->end = scan_word(sc->s, sc->len, sc->pos);
    } else {
        t->kind = TOK_PUNCT;
        t->cp = c;
        t->end = sc->pos + n;
    }
    sc->pos = t->end;
    return true;
}

/* Word lookups */

static size_t tok_len(const struct token *t)
{
    return t->end - t->start;
}

static bool word_equals(const struct window *w, size_t i, const char *word)
{
    const struct token *t = &w->toks[i];
    const char *p = w->s + t->start;
    if (t->kind != TOK_WORD || ascii_to_lower(p[0]) != word[0])
        return false;
    size_t len = strlen(word);
    if (tok_len(t) != len)
        return false;
    for (size_t k = 1; k < len; k++)
        if (ascii_to_lower(p[k]) != word[k])
            return false;
    return true;
}

static bool word_equals_exact(const struct window *w, size_t i, const char *word)
{
    const struct token *t = &w->toks[i];
    return t->kind == TOK_WORD && w->s[t->start] == word[0] && tok_len(t) == strlen(word) &&
           memcmp(w->s + t->start, word, tok_len(t)) == 0;
}

static bool word_in(const struct window *w, size_t i, const char *const *list, size_t count,
                    bool exact)
{
    for (size_t k = 0; k < count; k++)
        if (exact ? word_equals_exact(w, i, list[k]) : word_equals(w, i, list[k]))
            return true;
    return false;
}

/* The word lists as an open-addressing hash table, built once: a linear scan of them for
 * every word near a number was most of the run time on a large feed. */
#define INDEX_SLOTS 4096
#define INDEX_WORD_MAX 24

#define LANG_WORDS_MAX 1024

struct index_slot {
    const char *word; /* into word_groups or lang_groups, not NUL-terminated; NULL when empty */
    uint32_t flags;   /* word_groups, merged over every entry of the word */
    uint16_t len;
    uint16_t classes; /* 1 + its row in word_classes when lang_groups has it, else 0 */
};

static struct index_slot word_index[INDEX_SLOTS];
static uint16_t word_classes[LANG_WORDS_MAX][LANG_COUNT];
static size_t word_classes_used;
static pthread_once_t word_index_once = PTHREAD_ONCE_INIT;

/* Byte k of s with ASCII, Latin-1 and Cyrillic capitals lowered. Each of those has a lowercase
 * form of the same length, so "Около" matches the listed "около" byte for byte. */
static inline unsigned char folded(const char *s, size_t k, size_t len)
{
    unsigned char c = (unsigned char)s[k];
    if (c < 0x80)
        return (unsigned char)ascii_to_lower((char)c);
    if (c == 0xD0 && k + 1 < len) {
        unsigned char next = (unsigned char)s[k + 1];
        return next <= 0x8F || (next >= 0xA0 && next <= 0xAF) ? 0xD1 : c; /* Ѐ-Џ, Р-Я */
    }
    unsigned char lead = k > 0 ? (unsigned char)s[k - 1] : 0;
    if (lead == 0xC3 && c <= 0x9E && c != 0x97)
        return c + 0x20; /* À-Þ */
    if (lead == 0xD0)
        return c <= 0x8F ? c + 0x10 : c <= 0x9F ? c + 0x20 : c <= 0xAF ? c - 0x20 : c;
    return c;
}

static size_t hash_lower(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t k = 0; k < len; k++)
        h = (h ^ folded(s, k, len)) * 16777619u;
    return h & (INDEX_SLOTS - 1);
}

static bool same_lower(const char *text, const char *word, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (folded(text, k, len) != (unsigned char)word[k])
            return false;
    return true;
}

static struct index_slot *index_word(const char *word, size_t len)
{
    size_t h = hash_lower(word, len);
    while (word_index[h].word &&
           !(word_index[h].len == len && memcmp(word_index[h].word, word, len) == 0))
        h = (h + 1) & (INDEX_SLOTS - 1);
    word_index[h].word = word;
    word_index[h].len = (uint16_t)len;
    return &word_index[h];
}

/* Calls add(slot, g) for every word of the space-separated list. */
static void index_words(const char *p, size_t g, void (*add)(struct index_slot *, size_t))
{
    while (*p) {
        size_t len = strcspn(p, " ");
        if (len > 0 && len <= INDEX_WORD_MAX)
            add(index_word(p, len), g);
        p += len;
        p += *p == ' ';
    }
}

static void add_flags(struct index_slot *slot, size_t g)
{
    slot->flags |= word_groups[g].flags;
}

static void add_classes(struct index_slot *slot, size_t g)
{
    if (slot->classes == 0) {
        if (word_classes_used == LANG_WORDS_MAX)
            return; /* the last groups (Hindi) would lose theirs: test_figures reads Hindi */
        slot->classes = (uint16_t)++word_classes_used;
    }
    word_classes[slot->classes - 1][lang_groups[g].lang] |= (uint16_t)lang_groups[g].classes;
}

/* The lists hold about a thousand words, so the table stays under a third full and every probe
 * sequence is short and ends at an empty slot. */
static void build_word_index(void)
{
    for (size_t g = 0; g < ARRAY_LEN(word_groups); g++)
        index_words(word_groups[g].words, g, add_flags);
    for (size_t g = 0; g < ARRAY_LEN(lang_groups); g++)
        index_words(lang_groups[g].words, g, add_classes);
}

static const struct index_slot *lookup_word(const char *p, size_t len)
{
    if (len > INDEX_WORD_MAX)
        return NULL;
    pthread_once(&word_index_once, build_word_index);
    for (size_t h = hash_lower(p, len); word_index[h].word; h = (h + 1) & (INDEX_SLOTS - 1))
        if (word_index[h].len == len && same_lower(p, word_index[h].word, len))
            return &word_index[h];
    return NULL;
}

static unsigned lookup_flags(const char *p, size_t len)
{
    const struct index_slot *slot = lookup_word(p, len);
    return slot ? slot->flags : 0;
}

/* Looked up lazily: only words near a number ever need it. */
static unsigned word_flags(struct window *w, size_t i)
{
    struct token *t = &w->toks[i];
    if (t->kind != TOK_WORD)
        return 0;
    if (!t->looked_up) {
        t->looked_up = true;
        t->flags = lookup_flags(w->s + t->start, tok_len(t));
    }
    return t->flags;
}

static bool is_content(unsigned flags)
{
    return (flags & W_NOT_CONTENT) == 0;
}

static unsigned first_cp(const struct window *w, size_t i)
{
    size_t n;
    const struct token *t = &w->toks[i];
    return unicode_utf8_decode(w->s + t->start, tok_len(t), &n);
}

/* A word of a script written without spaces: there a "word" is a whole clause, so labels take
 * only the first few characters after the number. */
static bool is_unspaced_word(const struct window *w, size_t i)
{
    return w->toks[i].kind == TOK_WORD && unicode_no_word_spaces(first_cp(w, i));
}

static bool is_capitalised(const struct window *w, size_t i)
{
    return w->toks[i].kind == TOK_WORD && ascii_is_upper(first_cp(w, i));
}

/* "iPhone", "iOS", "macOS": a product's name, whatever number follows it. */
static bool is_camel_case(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    if (t->kind != TOK_WORD || !ascii_is_lower((unsigned char)w->s[t->start]))
        return false;
    for (size_t k = t->start + 1; k < t->end; k++)
        if (ascii_is_upper((unsigned char)w->s[k]))
            return true;
    return false;
}

static unsigned last_cp(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    size_t at = unicode_utf8_prev(w->s, t->start, t->end), n;
    return unicode_utf8_decode(w->s + at, t->end - at, &n);
}

/* Characters after a number that make it a date, a time, a rank or a count of times in
 * Chinese and Japanese: 17年ぶり, 24日, 8点, 3回目, 第14次. */
static bool cjk_not_a_figure(const struct window *w, size_t i)
{
    /* 年 月 日 时 時 点 點 分 秒 号 號 位 回 届 期 代 次 */
    static const unsigned after[] = {0x5E74, 0x6708, 0x65E5, 0x65F6, 0x6642, 0x70B9,
                                     0x9EDE, 0x5206, 0x79D2, 0x53F7, 0x865F, 0x4F4D,
                                     0x56DE, 0x5C4A, 0x671F, 0x4EE3, 0x6B21};
    if (i > 0 && !w->toks[i].space_before && w->toks[i - 1].kind == TOK_WORD &&
        last_cp(w, i - 1) == 0x7B2C /* 第 */)
        return true;
    if (i + 1 >= w->n || w->toks[i + 1].space_before || w->toks[i + 1].kind != TOK_WORD)
        return false;
    unsigned c = first_cp(w, i + 1);
    for (size_t k = 0; k < ARRAY_LEN(after); k++)
        if (c == after[k])
            return true;
    return false;
}

/* A lowercase past tense or participle ("imposed", "killed"): ends a noun phrase once the
 * phrase has its noun. Capitalised words are names ("United"), never verbs here. */
static bool is_ed_verb(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    size_t len = tok_len(t);
    const char *p = w->s + t->start;
    if (t->kind != TOK_WORD || len < 5 || !ascii_is_lower(p[0]))
        return false;
    if (p[len - 2] != 'e' || p[len - 1] != 'd' || (len == 5 && p[len - 3] == 'e'))
        return false; /* "speed", "breed"; but "agreed", "exceeded" */
    return !word_equals(w, i, "hundred");
}

static bool is_possessive(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    size_t len = tok_len(t);
    const char *p = w->s + t->start;
    return (len >= 2 && p[len - 2] == '\'' && p[len - 1] == 's') ||
           (len >= 4 && memcmp(p + len - 4, "\xe2\x80\x99s", 4) == 0);
}

static bool is_month(struct window *w, size_t i)
{
    return (word_flags(w, i) & W_MONTH) && is_capitalised(w, i);
}

static bool is_currency_code(const struct window *w, size_t i)
{
    return word_in(w, i, currency_codes, ARRAY_LEN(currency_codes), true);
}

static bool sentence_start(const struct window *w, size_t i)
{
    if (i == 0)
        return w->starts_text;
    return is_terminator(&w->toks[i - 1]);
}

/* Headlines in Title Case capitalise every word, so a capital there says nothing about names. */
static bool title_case(struct window *w)
{
    if (w->title_case < 0) {
        size_t upper = 0, lower = 0;
        for (size_t i = 0; i < w->n; i++) {
            const struct token *t = &w->toks[i];
            if (t->kind != TOK_WORD || tok_len(t) < 4)
                continue;
            unsigned c = first_cp(w, i);
            if (ascii_is_upper(c))
                upper++;
            else if (ascii_is_lower(c))
                lower++;
        }
        w->title_case = upper >= 3 && lower * 4 <= upper;
    }
    return w->title_case > 0;
}

/* Language */

/* Function words are short ("throughout" and "gegenüber" are the longest that count), so longer
 * words are not looked up. */
#define LANG_WORD_MAX 10

/* Adds what the word s[0..len) says about the language to score. */
static void score_word(const char *s, size_t len, int *score)
{
    unsigned char lead = (unsigned char)s[0];
    if (lead == 0xD0 || lead == 0xD1)
        score[LANG_RU] += 2; /* Cyrillic */
    else if (lead >= 0xD8 && lead <= 0xDB)
        score[LANG_AR] += 2;
    else if (lead == 0xE0 && len > 1 &&
             ((unsigned char)s[1] == 0xA4 || (unsigned char)s[1] == 0xA5))
        score[LANG_HI] += 2; /* Devanagari */
    const struct index_slot *slot = len <= LANG_WORD_MAX ? lookup_word(s, len) : NULL;
    if (slot && slot->classes)
        for (size_t l = 0; l < LANG_COUNT; l++)
            score[l] += (word_classes[slot->classes - 1][l] & ~(unsigned)C_SHARE) != 0;
}

/* The language of a story from the function words among its first words. Words are split at
 * ASCII spaces and punctuation only: cheaper than the tokenizer, and enough for short words. */
static enum lang detect_lang(const char *title, const char *summary)
{
    int score[LANG_COUNT] = {0};
    const char *texts[] = {title ? title : "", summary ? summary : ""};
    size_t words = 0;
    for (size_t k = 0; k < ARRAY_LEN(texts) && words < LANG_SAMPLE_WORDS; k++) {
        const char *p = texts[k];
        while (*p && words < LANG_SAMPLE_WORDS) {
            while (*p && (unsigned char)*p < 0x80 && !ascii_is_alpha(*p))
                p++;
            const char *start = p;
            while (*p && ((unsigned char)*p >= 0x80 || ascii_is_alpha(*p) || *p == '\''))
                p++;
            if (p == start)
                continue;
            words++;
            score_word(start, (size_t)(p - start), score);
            int other = 0;
            for (size_t l = 1; l < LANG_COUNT; l++)
                other = MAX(other, score[l]);
            if (score[LANG_EN] >= other + 4)
                return LANG_EN; /* clear enough: most English stories stop here */
        }
    }
    /* English wins ties and needs no evidence: a headline with one stray "de" or "over" (a
     * Dutch preposition) is still English. */
    enum lang best = LANG_EN;
    for (size_t l = 1; l < LANG_COUNT; l++)
        if (score[l] >= 2 && score[l] > score[best])
            best = (enum lang)l;
    return best;
}

/* The story's language, read once from its first words when a figure first needs it. */
static enum lang window_lang(struct window *w)
{
    if (w->lang < 0)
        w->lang = (int)detect_lang(w->title, w->summary);
    return (enum lang)w->lang;
}

/* Thousands are grouped with dots and decimals written with a comma: "11.000", "2,6". */
static bool uses_decimal_comma(struct window *w)
{
    enum lang l = window_lang(w);
    return l != LANG_EN && l != LANG_HI && l != LANG_AR;
}

static bool usable_word(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    if (i > 0 && !t->space_before && w->toks[i - 1].kind == TOK_NUMBER)
        return false; /* the "K" of "4K", the "nd" of "2nd" */
    return t->kind == TOK_WORD && !t->in_figure && !is_unspaced_word(w, i);
}

/* Bytes of an elided article or pronoun glued to the word: "l’" of "l’Insee", "s’" of
 * "s’alourdit", "dell'" of "dell'anno". 0 when there is none. */
static size_t elision_len(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    const char *p = w->s + t->start;
    size_t len = tok_len(t);
    for (size_t k = 1; k <= 5 && k < len; k++) {
        if (!ascii_is_alpha(p[k - 1]))
            return 0;
        size_t apostrophe = p[k] == '\''                                         ? 1
                            : (len - k > 3 && !memcmp(p + k, "\xe2\x80\x99", 3)) ? 3
                                                                                 : 0;
        if (apostrophe)
            return k + apostrophe < len ? k + apostrophe : 0;
    }
    return 0;
}

static unsigned word_class(struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    if (t->kind != TOK_WORD)
        return 0;
    const struct index_slot *slot = lookup_word(w->s + t->start, tok_len(t));
    enum lang l = window_lang(w);
    unsigned c = slot && slot->classes ? word_classes[slot->classes - 1][l] : 0;
    if (c == 0 && l == LANG_AR && tok_len(t) > 4 && !memcmp(w->s + t->start, "\xd9\x88", 2)) {
        slot = lookup_word(w->s + t->start + 2, tok_len(t) - 2); /* "و" (and) glued to a verb */
        if (slot && slot->classes && (word_classes[slot->classes - 1][l] & C_VERB))
            c = C_VERB;
    }
    if (c == 0 && (l == LANG_FR || l == LANG_IT)) {
        size_t el = elision_len(w, i);
        if (el && ascii_to_lower(w->s[t->start]) == 's')
            c = C_VERB; /* "s’établit" */
        else if (el && ascii_to_lower(w->s[t->start]) == 'q')
            c = C_CONJ; /* "qu’il" */
    }
    return c;
}

static bool upper_initial(const struct window *w, size_t i)
{
    return w->toks[i].kind == TOK_WORD && uc_is_upper(first_cp(w, i));
}

static bool lower_initial(const struct window *w, size_t i)
{
    return w->toks[i].kind == TOK_WORD && uc_is_lower(first_cp(w, i));
}

static bool ends_with(const struct window *w, size_t i, const char *suffix, size_t min_len)
{
    const struct token *t = &w->toks[i];
    size_t len = tok_len(t), n = strlen(suffix);
    return len >= min_len && len > n && memcmp(w->s + t->end - n, suffix, n) == 0;
}

static bool ends_with_any(const struct window *w, size_t i, const char *const *suffixes,
                          size_t count, size_t min_len)
{
    for (size_t k = 0; k < count; k++)
        if (ends_with(w, i, suffixes[k], min_len))
            return true;
    return false;
}

/* Dutch participles: "geannuleerd", "opgelopen". */
static bool dutch_participle(const struct window *w, size_t i)
{
    static const char *const prefixes[] = {"ge",    "opge",  "afge",   "aange",  "uitge", "inge",
                                           "toege", "meege", "doorge", "overge", "bijge"};
    static const char *const ends[] = {"d", "t", "en"};
    const struct token *t = &w->toks[i];
    if (tok_len(t) < 7 || !lower_initial(w, i) || !ends_with_any(w, i, ends, ARRAY_LEN(ends), 7))
        return false;
    for (size_t k = 0; k < ARRAY_LEN(prefixes); k++)
        if (!strncmp(w->s + t->start, prefixes[k], strlen(prefixes[k])))
            return true;
    return false;
}

/* A verb, from the lists or by its ending: Russian past tenses ("снизилась"), Spanish and
 * Portuguese preterites ("sumó", "elevou"), Hindi "-कर" participles; in German any lowercase
 * word that is not an adjective before a noun (German capitalises every noun); after a listed
 * verb, the participle or infinitive of its group ("a augmenté", "ha superato"). */
static bool looks_like_verb(struct window *w, size_t i)
{
    static const char *const ru[] = {"л",    "ла",   "ло",   "ли",  "лся", "лась", "лось",
                                     "лись", "ется", "ются", "ает", "яет", "ует"};
    static const char *const es[] = {"ó", "aron", "ieron"};
    static const char *const pt[] = {"ou", "iu", "aram", "eram", "iram"};
    static const char *const it[] = {"ò"};
    static const char *const hi[] = {"कर"};
    if (w->toks[i].kind != TOK_WORD)
        return false;
    unsigned c = word_class(w, i);
    if (c & C_VERB)
        return true;
    if (c != 0)
        return false;
    if (i > 0 && (word_class(w, i - 1) & (C_VERB | C_REFLEXIVE)) && lower_initial(w, i) &&
        w->lang != LANG_RU && w->lang != LANG_DE)
        return true;
    switch (w->lang) {
    case LANG_RU:
        return lower_initial(w, i) && ends_with_any(w, i, ru, ARRAY_LEN(ru), 8);
    case LANG_ES:
        return ends_with_any(w, i, es, ARRAY_LEN(es), 4);
    case LANG_PT:
        return lower_initial(w, i) && ends_with_any(w, i, pt, ARRAY_LEN(pt), 5);
    case LANG_IT:
        return ends_with_any(w, i, it, ARRAY_LEN(it), 4);
    case LANG_NL:
        return dutch_participle(w, i);
    case LANG_HI:
        return ends_with_any(w, i, hi, ARRAY_LEN(hi), 9);
    case LANG_DE:
        return lower_initial(w, i) &&
               !(i + 1 < w->n && upper_initial(w, i + 1) && !(word_class(w, i + 1) & C_FUNCTION));
    default:
        return false;
    }
}

/* A word a label may hold: no function word, verb, amount word or time span. */
static bool label_word(struct window *w, size_t i)
{
    /* Currencies and scales are nouns here ("Курс рубля"): the value's own were taken. */
    const unsigned not_label = W_PERCENT | W_SPAN | W_META | W_CLOCK;
    return usable_word(w, i) && !(word_class(w, i) & ~(unsigned)C_SHARE) &&
           !(word_flags(w, i) & not_label) && !looks_like_verb(w, i);
}

static bool is_clause_break(struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    if (t->kind == TOK_WORD)
        return (word_class(w, i) & C_CONJ) != 0;
    if (t->kind != TOK_PUNCT)
        return false;
    unsigned c = t->cp;
    return is_terminator(t) || c == ',' || c == ';' || c == ':' || c == 0x2013 || c == 0x2014 ||
           c == '(' || c == ')' || c == '"' || c == 0xAB || c == 0xBB || c == 0x201C ||
           c == 0x201D || c == 0x060C /* Arabic comma */;
}

/* Recognising figures */

static bool is_punct(const struct window *w, size_t i, unsigned cp)
{
    return i < w->n && w->toks[i].kind == TOK_PUNCT && w->toks[i].cp == cp;
}

/* Whether the sign token at i starts a number rather than joining two things ("F-35"). */
static bool sign_position(const struct window *w, size_t i)
{
    if (i == 0 || w->toks[i].space_before)
        return true;
    const struct token *p = &w->toks[i - 1];
    return p->kind == TOK_PUNCT && is_opening(p->cp);
}

/* "Route 66", "No. 10", "Windows 11", "Boeing 737": the word before names the number. */
static bool number_is_name(struct window *w, size_t i)
{
    if (i == 0 || !w->toks[i].space_before)
        return false;
    size_t p = i - 1;
    if (is_punct(w, p, '.') && p > 0 && (word_flags(w, p - 1) & W_NAMES_NUMBER))
        return true;
    /* "Comments: 87", "Points: 342" under a link aggregator's item. */
    if (is_punct(w, p, ':') && p > 0 && w->toks[p - 1].kind == TOK_WORD &&
        ((word_flags(w, p - 1) & W_META) || word_equals(w, p - 1, "points")))
        return true;
    if (w->toks[p].kind != TOK_WORD)
        return false;
    unsigned f = word_flags(w, p);
    if ((f & W_NAMES_NUMBER) || is_camel_case(w, p))
        return true;
    /* Even at the start of a sentence: the ordinary words that come before a number there
     * ("About", "Over", "Some") are all in the word lists. */
    if (f != 0 || !is_capitalised(w, p) || is_possessive(w, p))
        return false;
    return !title_case(w);
}

/* "March 2025", "April 16, 2024", "Sept. 4": the number is part of a date. */
static bool follows_month(struct window *w, size_t i)
{
    size_t p = i;
    if (p > 0 && is_punct(w, p - 1, ','))
        p--;
    if (p > 0 && p < i && w->toks[p - 1].kind == TOK_NUMBER && w->toks[p - 1].int_value <= 31)
        p--;
    if (p > 0 && is_punct(w, p - 1, '.'))
        p--;
    return p > 0 && w->toks[p - 1].kind == TOK_WORD && is_month(w, p - 1);
}

/* "8 septembre", "3. Oktober", "24 de marzo", "5 March": the number is a day. */
static bool precedes_month(struct window *w, size_t i)
{
    size_t j = i + 1;
    if (j < w->n && is_punct(w, j, '.') && !w->toks[j].space_before)
        j++;
    if (j + 1 < w->n && (word_equals(w, j, "de") || word_equals(w, j, "di")))
        j++;
    return j < w->n && w->toks[j].kind == TOK_WORD && (word_flags(w, j) & W_MONTH);
}

static bool is_year(const struct token *t)
{
    return t->form == NUM_INT && t->int_digits == 4 && t->int_value >= 1900 && t->int_value <= 2100;
}

/* Years are skipped unless they are the point: a target ("by 2030"), "in 2024 alone", or the
 * subject of the sentence ("2024 was the hottest year on record"). */
static bool year_figure(struct window *w, size_t i, struct figure_span *f)
{
    size_t j = i + 1;
    if (follows_month(w, i) || (j < w->n && is_month(w, j)))
        return false;
    f->kind = FIG_YEAR;
    if (i > 0 && w->toks[i].space_before && (word_flags(w, i - 1) & W_YEAR_BEFORE)) {
        f->rule = LABEL_CLAUSE_BEFORE;
        f->rule_at = i - 1;
        return true;
    }
    if (j < w->n && word_equals(w, j, "alone")) {
        f->rule = LABEL_CLAUSE_BEFORE;
        f->rule_at = i > 0 && (word_flags(w, i - 1) & (W_LINK | W_PREP)) ? i - 1 : i;
        f->consumed = j;
        return true;
    }
    size_t p = i;
    while (p > 0 && w->toks[p - 1].kind == TOK_PUNCT && is_opening(w->toks[p - 1].cp))
        p--;
    bool clause_start = sentence_start(w, p) || (p > 0 && is_punct(w, p - 1, ':'));
    if (clause_start && j < w->n && (word_flags(w, j) & W_YEAR_VERB)) {
        f->rule = LABEL_AFTER;
        f->rule_at = j + 1;
        return true;
    }
    return false;
}

/* "death toll rises to 197", "Zahl der Toten steigt auf 6": a count that ends its clause after
 * a verb and "to". */
static bool toll_figure(struct window *w, size_t i, size_t j)
{
    /* "strikes kill at least 400 in Gaza" */
    static const char *const kill_verbs[] = {"kill", "kills", "killed", "killing"};
    size_t b = i;
    while (b > 0 && w->toks[b - 1].kind == TOK_WORD &&
           ((word_flags(w, b - 1) & W_APPROX) || word_equals(w, b - 1, "at")))
        b--;
    if (b < i && b > 0 && w->toks[b - 1].kind == TOK_WORD &&
        word_in(w, b - 1, kill_verbs, ARRAY_LEN(kill_verbs), false))
        return true;
    if (j < w->n && !is_clause_break(w, j) && !(word_flags(w, j) & W_CONJ))
        return false;
    if (i < 2 || w->toks[i - 1].kind != TOK_WORD || w->toks[i - 2].kind != TOK_WORD)
        return false;
    if (window_lang(w) == LANG_EN)
        return word_equals(w, i - 1, "to") && (word_flags(w, i - 2) & W_LEADIN) &&
               ascii_is_lower((unsigned char)w->s[w->toks[i - 2].start]);
    return (word_class(w, i - 1) & C_TO) && looks_like_verb(w, i - 2);
}

/* Numbers without a sign, unit or separator: a count of something named right after it. */
static bool plain_figure(struct window *w, size_t i, size_t j, struct figure_span *f)
{
    const struct token *t = &w->toks[i];
    /* "75.000" is 75 in English and 75000 in German: read by the story's language. */
    if ((t->form == NUM_DECIMAL_COMMA || t->form == NUM_DOT3) && !uses_decimal_comma(w))
        return false;
    if (cjk_not_a_figure(w, i))
        return false;
    if ((t->form == NUM_INT || t->form == NUM_DECIMAL) && number_is_name(w, i))
        return false;
    if (is_year(t))
        return year_figure(w, i, f);
    if (t->form == NUM_INT && t->int_value <= 31 && (follows_month(w, i) || precedes_month(w, i)))
        return false;
    if (t->form == NUM_GROUPED || t->form == NUM_DOT3) {
        f->kind = FIG_GROUPED;
        return true;
    }
    if (t->form == NUM_INT && toll_figure(w, i, j)) {
        f->kind = FIG_COUNT;
        return true;
    }
    if (j >= w->n || w->toks[j].kind != TOK_WORD)
        return false;
    unsigned nf = word_flags(w, j);
    if (nf & (W_SPAN | W_META | W_CLOCK))
        return false;
    bool unit = (nf & W_UNIT_WORD) != 0;
    bool counted = is_content(nf) && (window_lang(w) == LANG_EN || label_word(w, j));
    if (t->amount < 10 ? !unit : !(unit || counted))
        return false; /* "14, 35 y 70" */
    if (unit && j + 1 < w->n && (word_equals(w, j + 1, "ago") || word_equals(w, j + 1, "old")))
        return false; /* "20 years ago" is a date, "41 years old" an age */
    /* "the first time in 17 years", "after 54 years": a span of time, not the news. */
    if ((nf & W_TIME) && i > 0 && w->toks[i - 1].kind == TOK_WORD &&
        word_in(w, i - 1, duration_words, ARRAY_LEN(duration_words), false))
        return false;
    f->kind = FIG_COUNT;
    return true;
}

/* "3 in 10", "1 out of 5": a share said in words. */
static bool ratio_figure(struct window *w, size_t i, size_t j, struct figure_span *f)
{
    const struct token *t = &w->toks[i];
    if (t->form != NUM_INT || t->int_value == 0 || number_is_name(w, i))
        return false;
    size_t b;
    if (j < w->n && word_equals(w, j, "in"))
        b = j + 1;
    else if (j + 1 < w->n && word_equals(w, j, "out") && word_equals(w, j + 1, "of"))
        b = j + 2;
    else
        return false;
    if (b >= w->n)
        return false;
    const struct token *of = &w->toks[b];
    if (of->kind != TOK_NUMBER || of->form != NUM_INT || !of->space_before ||
        of->int_value <= t->int_value || of->int_value > 1000)
        return false;
    if (b + 1 < w->n) {
        const struct token *next = &w->toks[b + 1];
        if ((!next->space_before && (next->kind != TOK_PUNCT || next->cp == '%')) ||
            (word_flags(w, b + 1) & W_TIME))
            return false; /* "3 in 10%", "12 in 48 hours" */
    }
    f->kind = FIG_RATIO;
    f->last = f->number_last = f->consumed = b;
    return true;
}

/* Suffixes glued to the number ("3bn", "5km", "3x"); false for ones that make it no figure
 * ("2nd", "1990s", "5G", "9pm"). */
static bool glued_suffix(struct window *w, size_t i, size_t j, bool money, enum fig_kind *kind)
{
    if (word_in(w, j, glued_scales, ARRAY_LEN(glued_scales), false)) {
        /* "4K" and "8K" are screen resolutions unless they are money. */
        if (!money && word_equals_exact(w, j, "K") && w->toks[i].amount < 10)
            return false;
        *kind = FIG_SCALED;
        return true;
    }
    if (word_equals(w, j, "x")) {
        *kind = FIG_MULTIPLIER;
        return true;
    }
    /* "132p a litre": pence; but "720p" and "1080p" are video. */
    static const unsigned video_lines[] = {144, 240, 360, 480, 720, 1080, 1440, 2160, 4320};
    const struct token *t = &w->toks[i];
    if (word_equals_exact(w, j, "p") && !money && t->form == NUM_INT && t->int_value < 1000) {
        for (size_t k = 0; k < ARRAY_LEN(video_lines); k++)
            if (t->int_value == video_lines[k])
                return false;
        *kind = FIG_MONEY;
        return true;
    }
    if (word_flags(w, j) & W_UNIT) {
        *kind = FIG_UNIT;
        return true;
    }
    return false;
}

/* What parse_figure has read about the number at token i, between its steps. */
struct figure_parse {
    size_t i;    /* the number */
    size_t next; /* first token after what has been read */
    bool money, sign, range;
    enum fig_kind kind;
};

/* Before the number: a currency sign or code, a plus or minus sign, or punctuation glued to it
 * that makes it part of something else. False when it is no figure. */
static bool parse_prefix(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    const struct token *toks = w->toks;
    size_t i = st->i;
    if (i > 0 && !toks[i].space_before) {
        const struct token *p = &toks[i - 1];
        if (p->kind != TOK_PUNCT) {
            /* Glued to a word: only scripts without spaces do that to real figures. */
            if (p->kind == TOK_NUMBER || first_cp(w, i - 1) < 0x80)
                return false;
        } else if (is_currency_symbol(p->cp)) {
            st->money = true;
            f->first = i - 1;
            if (p->cp == '$' && i >= 2 && !p->space_before &&
                word_in(w, i - 2, dollar_prefixes, ARRAY_LEN(dollar_prefixes), true))
                f->first = i - 2;
        } else if (is_minus(p->cp) || p->cp == '+') {
            if (!sign_position(w, i - 1))
                return false; /* the tail of "2023-24" or "F-35" */
            st->sign = true;
            f->first = i - 1;
        } else if (is_glue_before(p->cp)) {
            return false;
        }
    }
    if (st->money && f->first > 0 && !toks[f->first].space_before) {
        size_t p = f->first - 1; /* "-$5bn" */
        if (toks[p].kind == TOK_PUNCT && (is_minus(toks[p].cp) || toks[p].cp == '+') &&
            sign_position(w, p))
            f->first = p, st->sign = true;
    }
    if (!st->money && i > 0 && toks[i].space_before && toks[i - 1].kind == TOK_PUNCT &&
        is_currency_symbol(toks[i - 1].cp)) {
        st->money = true; /* "R$ 35,2 bilhões", "€ 20" */
        f->first = i - 1;
        if (i >= 2 && !toks[i - 1].space_before &&
            word_in(w, i - 2, dollar_prefixes, ARRAY_LEN(dollar_prefixes), true))
            f->first = i - 2;
    }
    if (!st->money && i > 0 && toks[i].space_before && is_currency_code(w, i - 1)) {
        st->money = true;
        f->first = i - 1;
    }
    return true;
}

/* "20-25%": one figure. A third part makes it a phone number or a date. False when it is no
 * figure. */
static bool parse_range(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    const struct token *toks = w->toks;
    size_t j = st->next;
    if (!(j + 1 < w->n && toks[j].kind == TOK_PUNCT && is_range_dash(toks[j].cp) &&
          !toks[j].space_before && !toks[j + 1].space_before))
        return true;
    if (toks[j + 1].kind == TOK_WORD)
        return false; /* "20-year-old", "10-point plan" */
    if (toks[j + 1].kind != TOK_NUMBER)
        return true;
    size_t b = j + 1;
    f->consumed = b;
    if (b + 2 < w->n && toks[b + 1].kind == TOK_PUNCT && is_range_dash(toks[b + 1].cp) &&
        !toks[b + 1].space_before && toks[b + 2].kind == TOK_NUMBER && !toks[b + 2].space_before) {
        f->consumed = b + 2;
        return false;
    }
    if (toks[b].form == NUM_BAD || toks[b].amount <= toks[st->i].amount)
        return false; /* "555-0100", "3-2", "2023-24" */
    st->range = true;
    f->number_last = f->last = f->consumed = b;
    st->next = b + 1;
    return true;
}

/* A symbol after the number: "%", "×", "€", "°C". */
static void parse_symbol_suffix(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    const struct token *toks = w->toks;
    size_t j = st->next;
    const struct token *s = &toks[j];
    if (s->cp == '%' || s->cp == 0xFF05 || s->cp == 0x066A) {
        st->kind = FIG_PERCENT;
        if (s->space_before)
            f->suffix = "%"; /* "20 %" shows as "20%" */
        f->last = j++;
        /* "5.25%-5.5%" */
        if (!st->range && !f->suffix && j + 2 < w->n && toks[j].kind == TOK_PUNCT &&
            is_range_dash(toks[j].cp) && !toks[j].space_before && toks[j + 1].kind == TOK_NUMBER &&
            !toks[j + 1].space_before && toks[j + 1].form != NUM_BAD &&
            toks[j + 1].amount > toks[st->i].amount && is_punct(w, j + 2, '%') &&
            !toks[j + 2].space_before) {
            f->last = j + 2;
            j += 3;
        }
    } else if (s->cp == 0xD7 && !s->space_before) {
        st->kind = FIG_MULTIPLIER;
        f->last = j++;
    } else if (is_currency_symbol(s->cp) && !st->money) {
        st->money = true; /* "20 €" */
        f->last = j++;
    } else if (s->cp == 0xB0) {
        st->kind = FIG_UNIT; /* "40°C" */
        f->last = j++;
        if (j < w->n && !toks[j].space_before && (word_equals(w, j, "c") || word_equals(w, j, "f")))
            f->last = j++;
    }
    st->next = j;
}

/* A word after the number, apart from it: "percent", "per cent", "percentage points",
 * "billion", "dollars", "km". False when it is no figure ("5 pm"). */
static bool parse_word_suffix(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    size_t j = st->next;
    unsigned sf = word_flags(w, j);
    if (sf & W_PERCENT) {
        st->kind = FIG_PERCENT;
        f->suffix = "%";
        f->last = j++;
    } else if ((word_equals(w, j, "per") || word_equals(w, j, "por") ||
                word_equals(w, j, "pour")) &&
               j + 1 < w->n &&
               (word_equals(w, j + 1, "cent") || word_equals(w, j + 1, "cento") ||
                word_equals(w, j + 1, "ciento"))) {
        st->kind = FIG_PERCENT;
        f->suffix = "%";
        f->last = j + 1;
        j += 2;
    } else if (word_equals(w, j, "percentage") && j + 1 < w->n &&
               (word_equals(w, j + 1, "point") || word_equals(w, j + 1, "points"))) {
        st->kind = FIG_PERCENT;
        f->suffix = word_equals(w, j + 1, "point") ? " point" : " points";
        f->last = j + 1;
        j += 2;
    } else if (sf & W_SCALE) {
        st->kind = FIG_SCALED;
        f->last = j++;
        if (j < w->n && w->toks[j].space_before && (word_flags(w, j) & W_SCALE))
            f->last = j++; /* "20 lakh crore" */
    } else if ((sf & W_CURRENCY) || is_currency_code(w, j)) {
        st->money = true;
        f->last = j++;
    } else if (sf & (W_UNIT | W_MEASURE)) {
        st->kind = FIG_UNIT;
        f->last = j++;
    } else if (sf & W_CLOCK) {
        return false;
    }
    st->next = j;
    return true;
}

static bool is_cjk_scale(unsigned c)
{
    return c == 0x4E07 /* 万 */ || c == 0x842C /* 萬 */ || c == 0x4EBF /* 亿 */ ||
           c == 0x5104 /* 億 */ || c == 0x5146 /* 兆 */;
}

/* Where the scale and currency characters that start s[pos..end) end: after 万元 in 万元的. */
static size_t skip_cjk_value(const char *s, size_t pos, size_t end)
{
    for (size_t n; pos < end; pos += n) {
        unsigned c = unicode_utf8_decode(s + pos, end - pos, &n);
        if (!is_cjk_scale(c) && c != 0x5143 /* 元 */ && c != 0x5186 /* 円 */)
            break;
    }
    return pos;
}

/* Chinese and Japanese scale characters glued to the number, with the currency that may
 * follow: "1050万", "72万988", "3012亿元", "8兆1395億円". The characters come from a longer run
 * of text (a clause is one word token there), so they are kept as the value's suffix. */
static void parse_cjk_scale(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    size_t j = st->next;
    /* "72万988": a scale character alone between two numbers joins them. */
    while (j + 1 < w->n && tok_len(&w->toks[j]) == 3 && is_cjk_scale(first_cp(w, j)) &&
           w->toks[j + 1].kind == TOK_NUMBER && !w->toks[j + 1].space_before) {
        f->number_last = f->last = j + 1;
        j += 2;
    }
    st->kind = FIG_SCALED;
    st->next = j;
    if (j >= w->n || w->toks[j].kind != TOK_WORD || w->toks[j].space_before ||
        !is_cjk_scale(first_cp(w, j)))
        return;
    const struct token *t = &w->toks[j];
    size_t end = skip_cjk_value(w->s, t->start, t->end), n;
    f->tail_bytes = end - t->start;
    size_t last = unicode_utf8_prev(w->s, t->start, end);
    st->money = !is_cjk_scale(unicode_utf8_decode(w->s + last, end - last, &n));
}

/* What a unit may have glued after it: "km²", "km/h", "km/u". */
static void parse_unit_tail(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    static const char *const per[] = {"h", "u", "s", "hr"};
    size_t j = st->next;
    if (j < w->n && !w->toks[j].space_before && (is_punct(w, j, 0xB2) || is_punct(w, j, 0xB3))) {
        f->last = j;
        st->next = j + 1;
    } else if (j + 1 < w->n && is_punct(w, j, '/') && !w->toks[j].space_before &&
               !w->toks[j + 1].space_before && word_in(w, j + 1, per, ARRAY_LEN(per), false)) {
        f->last = j + 1;
        st->next = j + 2;
    }
}

/* What follows the number (or range): a symbol, a suffix glued to it ("3bn", "5km"), or a word.
 * False when it is no figure. */
static bool parse_suffix(struct window *w, struct figure_parse *st, struct figure_span *f)
{
    if (st->next >= w->n)
        return true;
    const struct token *s = &w->toks[st->next];
    if (s->kind == TOK_WORD && !s->space_before && is_cjk_scale(first_cp(w, st->next))) {
        parse_cjk_scale(w, st, f);
    } else if (s->kind == TOK_PUNCT) {
        parse_symbol_suffix(w, st, f);
    } else if (s->kind == TOK_WORD && !s->space_before && first_cp(w, st->next) < 0x80) {
        if (!glued_suffix(w, st->i, st->next, st->money, &st->kind))
            return false;
        f->last = st->next++;
    } else if (s->kind == TOK_WORD && !parse_word_suffix(w, st, f)) {
        return false;
    }
    if (st->kind == FIG_UNIT)
        parse_unit_tail(w, st, f);
    return true;
}

static bool is_currency_word(struct window *w, size_t j)
{
    if (j >= w->n || w->toks[j].kind != TOK_WORD)
        return false;
    const unsigned money = W_CURRENCY | W_CURRENCY_SCALED;
    if ((word_flags(w, j) & money) || is_currency_code(w, j))
        return true;
    /* French elides "de": "milliards d’euros". */
    const char *p = w->s + w->toks[j].start;
    size_t skip = elision_len(w, j);
    if (!skip || ascii_to_lower(p[0]) != 'd' || ascii_is_alpha(p[1]))
        return false;
    return (lookup_flags(p + skip, tok_len(&w->toks[j]) - skip) & money) != 0;
}

/* Scale words written short with a full stop: "3,1 Mrd. Euro", "596 тыс. человек". */
static bool is_scale_abbreviation(struct window *w, size_t j)
{
    static const char *const abbreviations[] = {"mrd", "mio", "mln", "тыс", "млн", "млрд", "трлн"};
    return word_in(w, j, abbreviations, ARRAY_LEN(abbreviations), false);
}

/* After a scale word: the abbreviation's full stop ("3,1 Mrd. Euro") and the currency, also
 * joined by "de", "di" or "d’" ("5 million dollars", "2 billion pounds", "3bn USD",
 * "14.100 millones de euros", "3 300 milliards d’euros"). Returns the token after them. */
static size_t parse_scaled_currency(struct window *w, struct figure_parse *st,
                                    struct figure_span *f)
{
    size_t j = st->next;
    if (j + 1 < w->n && is_punct(w, j, '.') && !w->toks[j].space_before &&
        is_scale_abbreviation(w, f->last) &&
        (is_currency_word(w, j + 1) || !is_capitalised(w, j + 1)))
        f->last = j++;
    size_t at = j;
    if (j + 1 < w->n && (word_equals(w, j, "de") || word_equals(w, j, "di")))
        at = j + 1;
    else if (j + 2 < w->n && word_equals(w, j, "d") && w->toks[j + 1].kind == TOK_PUNCT &&
             (w->toks[j + 1].cp == '\'' || w->toks[j + 1].cp == 0x2019) &&
             !w->toks[j + 2].space_before)
        at = j + 2;
    if (at < w->n && w->toks[at].kind == TOK_WORD && (word_flags(w, at) & W_MEASURE)) {
        f->last = at; /* "322 milhões de toneladas" */
        return at + 1;
    }
    if (!is_currency_word(w, at))
        return j;
    st->money = true;
    f->last = at;
    return at + 1;
}

/* Decides whether the number at token i is a figure and which tokens make up its value. */
static bool parse_figure(struct window *w, size_t i, struct figure_span *f)
{
    memset(f, 0, sizeof(*f));
    f->first = f->last = f->number_last = f->consumed = i;
    f->rule = LABEL_AROUND;
    if (w->toks[i].form == NUM_BAD)
        return false;
    struct figure_parse st = {.i = i, .next = i + 1, .kind = FIG_NONE};
    if (!parse_prefix(w, &st, f) || !parse_range(w, &st, f) || !parse_suffix(w, &st, f))
        return false;
    size_t j = st.next;
    if (st.kind == FIG_SCALED)
        j = parse_scaled_currency(w, &st, f);
    /* "2.3k upvotes", "5 min read": about the post, not the story. */
    if (j < w->n && w->toks[j].kind == TOK_WORD && (word_flags(w, j) & (W_META | W_SPAN)))
        return false;
    if (f->last > f->consumed)
        f->consumed = f->last;

    if (st.money)
        st.kind = FIG_MONEY;
    if (st.kind != FIG_NONE) {
        f->kind = st.kind;
        return true;
    }
    if (st.range || st.sign)
        return false;
    if (ratio_figure(w, i, j, f))
        return true;
    return plain_figure(w, i, j, f);
}

/* Labels */

static void phrase_add(struct phrase *ph, size_t i)
{
    if (ph->count < PHRASE_MAX)
        ph->words[ph->count++] = i;
}

static void phrase_prepend(struct phrase *ph, size_t i)
{
    if (ph->count == PHRASE_MAX)
        return;
    memmove(ph->words + 1, ph->words, ph->count * sizeof(ph->words[0]));
    ph->words[0] = i;
    ph->count++;
}

/* "posts", "recalls": a lowercase word ending in a plain "s" (not "ss", not a possessive). */
static bool is_plural_lowercase(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    size_t len = tok_len(t);
    const char *p = w->s + t->start;
    return len >= 3 && ascii_is_lower(p[0]) && p[len - 1] == 's' && p[len - 2] != 's' &&
           !is_possessive(w, i);
}

static bool is_plural_head(struct window *w, size_t i)
{
    return is_content(word_flags(w, i)) &&
           (is_plural_lowercase(w, i) ||
            word_in(w, i, irregular_plurals, ARRAY_LEN(irregular_plurals), false));
}

/* A lowercase word that is not an "-ly" adverb ("annually"); the caller checks the lists. */
static bool is_unknown_lowercase(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    size_t len = tok_len(t);
    const char *p = w->s + t->start;
    return ascii_is_lower(p[0]) && !(len > 2 && p[len - 2] == 'l' && p[len - 1] == 'y');
}

/* The noun phrase starting at token k: "American deaths a year" before "to fentanyl". It runs
 * through articles and linking prepositions and stops at punctuation, a verb, a conjunction,
 * another number or a preposition that starts a new idea. */
static void collect_after(struct window *w, size_t k, struct phrase *ph)
{
    size_t content = 0, links = 0;
    ph->count = 0;
    for (size_t j = k; j < w->n && ph->count < 10; j++) {
        if (w->toks[j].kind != TOK_WORD)
            break;
        if (is_unspaced_word(w, j)) {
            if (ph->count == 0)
                phrase_add(ph, j);
            break;
        }
        unsigned f = word_flags(w, j);
        if (f & W_STOP)
            break;
        if ((f & W_LINK) && ++links > 2)
            break;
        /* "1.2 million internally displaced people": a participle after an adverb, before its
         * noun, is an adjective. */
        bool adjective = j > 0 && j + 1 < w->n && ends_with(w, j - 1, "ly", 4) &&
                         w->toks[j + 1].kind == TOK_WORD && is_content(word_flags(w, j + 1));
        if (content > 0 && is_ed_verb(w, j) && !adjective)
            break;
        if (ph->count > 0 && is_plural_head(w, ph->words[ph->count - 1]) &&
            (f & ~(unsigned)W_LEADIN) == 0 && is_unknown_lowercase(w, j))
            break; /* "50 countries sign ...": a headline verb after its plural subject */
        if (is_content(f))
            content++;
        phrase_add(ph, j);
    }
}

/* "killing", "wiping": a lowercase -ing word right before a figure is its verb. */
static bool is_ing_verb(const struct window *w, size_t i)
{
    const struct token *t = &w->toks[i];
    size_t len = tok_len(t);
    const char *p = w->s + t->start;
    return len >= 6 && ascii_is_lower(p[0]) && !memcmp(p + len - 3, "ing", 3);
}

/* What a figure with nothing after it measures, read backwards over its lead-in: "tariffs" in
 * "tariffs totaling 20%", "US tariffs" in "US tariffs reach 20%". At most three words. */
static void collect_subject(struct window *w, size_t first, struct phrase *ph)
{
    ph->count = 0;
    size_t j = first, skipped = 0, ing = SIZE_MAX;
    bool verb_skipped = false;
    /* "rose 6% to $69.1bn": the subject is the earlier figure's. */
    if (j >= 2 && word_equals(w, j - 1, "to") && w->toks[j - 2].in_figure) {
        j -= 2;
        while (j > 0 && w->toks[j - 1].in_figure)
            j--;
    }
    while (j > 0 && skipped < 4 && usable_word(w, j - 1)) {
        unsigned f = word_flags(w, j - 1);
        bool ed = is_ed_verb(w, j - 1);
        bool modifier =
            j == first && word_in(w, j - 1, value_modifiers, ARRAY_LEN(value_modifiers), false);
        bool ing_verb = !verb_skipped && is_ing_verb(w, j - 1);
        if (ing_verb)
            ing = j - 1;
        bool sure = (f & W_APPROX) || ((f & W_LEADIN) && (f & (W_VERB | W_PREP | W_LINK))) || ed ||
                    modifier || ing_verb;
        /* "cuts", "costs", "worth" lead in before any verb ("Sales fall 12%") but are the
         * noun after one ("costs fell 3%"). */
        bool noun_or_verb = (f & W_LEADIN) && !sure;
        bool auxiliary = (f & W_VERB) && skipped > 0; /* "will reach", "could hit" */
        if (!sure && !auxiliary && !(noun_or_verb && !verb_skipped))
            break;
        verb_skipped = verb_skipped || (f & W_VERB) || ed;
        j--, skipped++;
    }
    /* "agrees to pay $1.5bn": the word before an infinitive is a verb, not the subject; but
     * "first company to be worth $4tn" is a noun. */
    if (j > 0 && j + 1 < first && word_equals(w, j, "to") && usable_word(w, j - 1) &&
        word_in(w, j - 1, to_verbs, ARRAY_LEN(to_verbs), false))
        j--, verb_skipped = true;
    /* "S&P 500 slumps 2.7%", "FTSE 100 closes above 9,000": a name ending in a number. */
    if (j > 1 && w->toks[j - 1].kind == TOK_NUMBER && !w->toks[j - 1].in_figure &&
        w->toks[j - 1].form == NUM_INT && w->toks[j - 1].space_before && skipped > 0 &&
        w->toks[j - 2].kind == TOK_WORD &&
        ascii_is_upper((unsigned char)w->s[w->toks[j - 2].start])) {
        phrase_add(ph, j - 2);
        phrase_add(ph, j - 1);
        return;
    }
    bool head = true, crossed_of = false;
    size_t time_skipped = 0;
    while (j > 0 && ph->count < (crossed_of ? 5u : 3u) && usable_word(w, j - 1) &&
           !is_ed_verb(w, j - 1)) {
        size_t k = j - 1;
        unsigned f = word_flags(w, k);
        /* "The average global temperature last year was 1.6C" */
        if (head && (f & W_TIME) && !(f & W_MONTH) && time_skipped < 2 && verb_skipped) {
            j--, time_skipped++;
            continue;
        }
        /* "risk of death", "population of India", "death toll in Vietnam"; but "rounds of US
         * tariffs" counts tariffs. */
        size_t link = k; /* "Shares in the chipmaker": the link before an article */
        if (!head && (f & W_ARTICLE) && k > 0 && usable_word(w, k - 1))
            link = k - 1;
        if (!head && !crossed_of &&
            word_in(w, link, subject_links, ARRAY_LEN(subject_links), false) && link > 0 &&
            usable_word(w, link - 1) && is_content(word_flags(w, link - 1)) &&
            !is_ed_verb(w, link - 1) &&
            !word_in(w, link - 1, quantity_nouns, ARRAY_LEN(quantity_nouns), false)) {
            for (size_t x = k + 1; x-- > link - 1;)
                phrase_prepend(ph, x);
            j = link - 1, crossed_of = true;
            continue;
        }
        bool noun_or_verb = (f & W_LEADIN) && !(f & (W_VERB | W_PREP | W_LINK | W_APPROX));
        bool after_determiner =
            k > 0 && w->toks[k - 1].kind == TOK_WORD &&
            (is_possessive(w, k - 1) || (word_flags(w, k - 1) & (W_ARTICLE | W_DET)));
        if (head) {
            if (!is_content(f) && !(verb_skipped && noun_or_verb))
                break;
        } else {
            /* Before the head noun a plural is rarely a modifier but often a verb ("Aramco
             * posts record profit"); "pay" in "Musk's pay package" is a noun after a
             * determiner, "cuts" in "Fed cuts rates" a verb. */
            if (!is_content(f) && !(noun_or_verb && after_determiner))
                break;
            if (is_plural_lowercase(w, k) && !after_determiner)
                break;
        }
        phrase_prepend(ph, k);
        j--, head = false;
    }
    /* "killing more than 1,000", "saving €15 billion a year": with no subject, the verb. */
    if (ph->count == 0 && ing != SIZE_MAX)
        phrase_add(ph, ing);
}

/* The clause before a target year: "ban new petrol car sales" by 2035. */
static void collect_clause_before(struct window *w, size_t at, struct phrase *ph)
{
    ph->count = 0;
    for (size_t j = at; j > 0 && ph->count < LABEL_WORDS; j--) {
        if (!usable_word(w, j - 1) || (word_flags(w, j - 1) & W_STOP))
            break;
        phrase_prepend(ph, j - 1);
    }
}

static void phrase_trim(struct window *w, struct phrase *ph)
{
    size_t lead = 0;
    while (lead < ph->count && !is_unspaced_word(w, ph->words[lead]) &&
           (word_flags(w, ph->words[lead]) & W_EDGE))
        lead++;
    memmove(ph->words, ph->words + lead, (ph->count - lead) * sizeof(ph->words[0]));
    ph->count -= lead;
    while (ph->count > 0 && !is_unspaced_word(w, ph->words[ph->count - 1]) &&
           (word_flags(w, ph->words[ph->count - 1]) & W_EDGE))
        ph->count--;
}

/* Keeps the words that fit LABEL_WORDS and LABEL_MAX bytes. A phrase that does not fit is cut
 * before its last linking preposition when it has one ("poorest rural households", not
 * "poorest rural households in the drought-stricken"), and trimmed again so a cut never
 * leaves "tariffs on" behind. */
static void phrase_fit(struct window *w, struct phrase *ph)
{
    if (ph->count == 1 && is_unspaced_word(w, ph->words[0]))
        return; /* write_label cuts it by characters */
    size_t bytes = 0, keep = 0;
    while (keep < ph->count && keep < LABEL_WORDS) {
        size_t len = tok_len(&w->toks[ph->words[keep]]) + (keep > 0);
        if (bytes + len > LABEL_MAX)
            break;
        bytes += len;
        keep++;
    }
    if (keep < ph->count) {
        size_t cut = keep;
        while (cut > 1 && !(word_flags(w, ph->words[cut - 1]) & W_LINK))
            cut--;
        if (cut > 1)
            keep = cut - 1;
    }
    ph->count = keep;
    phrase_trim(w, ph);
}

static void write_label(const struct window *w, const struct phrase *ph, char *out)
{
    size_t used = 0;
    out[0] = '\0';
    if (ph->count == 1 && is_unspaced_word(w, ph->words[0])) {
        /* No spaces to cut at: take the first few characters after the number. */
        const struct token *t = &w->toks[ph->words[0]];
        /* The value took these: 万人次 labels 1050万 as 人次. */
        size_t pos = skip_cjk_value(w->s, t->start, t->end), chars = 0, n;
        while (pos < t->end && chars < UNSPACED_LABEL_CHARS) {
            unicode_utf8_decode(w->s + pos, t->end - pos, &n);
            if (used + n > LABEL_MAX)
                break;
            memcpy(out + used, w->s + pos, n);
            used += n, pos += n, chars++;
        }
        out[used] = '\0';
        return;
    }
    for (size_t k = 0; k < ph->count; k++) {
        const struct token *t = &w->toks[ph->words[k]];
        size_t len = tok_len(t);
        if (used + len + (k > 0) > LABEL_MAX)
            break;
        if (k > 0)
            out[used++] = ' ';
        memcpy(out + used, w->s + t->start, len);
        used += len;
    }
    out[used] = '\0';
}

static bool is_cjk_particle(unsigned c)
{
    return c == 0x306B || c == 0x3067 || c == 0x3092 || c == 0x306F || c == 0x304C || c == 0x306E ||
           c == 0x3068 || c == 0x3082 || c == 0x3078; /* にでをはがのともへ */
}

/* Chinese and Japanese put what a figure measures before it: 营收3012亿元 (revenue), 政策金利を
 * 0.5%に (policy rate), 訪日客 3687万人. The label is the end of the clause before the number,
 * its particle or linking verb dropped: at most UNSPACED_SUBJECT_CHARS characters. */
static bool unspaced_subject(const struct window *w, const struct figure_span *f, char *out)
{
    static const char *const tails[] = {"达到", "达", "为", "至", "到",   "约", "超过",
                                        "超",   "逾", "近", "を", "は",   "が", "に",
                                        "で",   "と", "も", "の", "より", "，", "、"};
    size_t p = f->first;
    if (p == 0 || w->toks[p - 1].kind != TOK_WORD || !unicode_is_cjk(last_cp(w, p - 1)))
        return false;
    const struct token *t = &w->toks[p - 1];
    size_t end = t->end;
    for (bool again = true; again;) {
        again = false;
        for (size_t k = 0; k < ARRAY_LEN(tails); k++) {
            size_t n = strlen(tails[k]);
            if (end - t->start > n && memcmp(w->s + end - n, tails[k], n) == 0) {
                end -= n;
                again = true;
            }
        }
    }
    size_t start = end, chars = 0;
    for (; start > t->start && chars < UNSPACED_SUBJECT_CHARS; chars++)
        start = unicode_utf8_prev(w->s, t->start, start);
    size_t n;
    while (start < end && is_cjk_particle(unicode_utf8_decode(w->s + start, end - start, &n)))
        start += n; /* 去年の出生数: 出生数 */
    if (end - start > LABEL_MAX || end == start)
        return false;
    memcpy(out, w->s + start, end - start);
    out[end - start] = '\0';
    return true;
}

/* The noun right after the number, glued to it, up to a particle: 20%关税 (tariffs), 75,000人死亡
 * (deaths), 1050万人次 (trips). Fewer than two characters (a bare counter: 人, 辆) says too
 * little. */
static bool unspaced_object(const struct window *w, const struct figure_span *f, char *out)
{
    size_t j = f->consumed + 1;
    if (j >= w->n || w->toks[j].kind != TOK_WORD || w->toks[j].space_before ||
        !unicode_is_cjk(first_cp(w, j)))
        return false;
    const struct token *t = &w->toks[j];
    size_t start = skip_cjk_value(w->s, t->start, t->end), pos = start, chars = 0, n;
    for (; pos < t->end && chars < UNSPACED_LABEL_CHARS; pos += n, chars++) {
        unsigned c = unicode_utf8_decode(w->s + pos, t->end - pos, &n);
        if (is_cjk_particle(c) || !unicode_is_cjk(c))
            break;
    }
    if (chars < 2 || pos - start > LABEL_MAX)
        return false;
    memcpy(out, w->s + start, pos - start);
    out[pos - start] = '\0';
    return true;
}

/* Labels in other languages */

static size_t clause_start(struct window *w, size_t i)
{
    while (i > 0 && !is_clause_break(w, i - 1))
        i--;
    return i;
}

/* The noun phrase starting at token j, before end: "Stellen", "millimetri di pioggia",
 * "militares de la UME". Leading articles are skipped. */
static void np_forward(struct window *w, size_t j, size_t end, struct phrase *ph)
{
    size_t content = 0;
    ph->count = 0;
    for (; j < end && content < LANG_LABEL_NOUNS; j++) {
        if (w->toks[j].kind != TOK_WORD)
            break;
        if (label_word(w, j)) {
            /* A German label starts with a noun, or adjectives before one. */
            if (w->lang == LANG_DE && content == 0 && !upper_initial(w, j) &&
                !(j + 1 < end && label_word(w, j + 1)))
                break;
            phrase_add(ph, j);
            content++;
            continue;
        }
        unsigned c = word_class(w, j);
        if (content == 0 && (c & C_ART) && !(c & (C_PREP | C_TO)))
            continue; /* but "au troisième trimestre" is no label */
        if (content > 0 && (c & C_CHAIN)) {
            size_t k = j + 1;
            while (k < end && (word_class(w, k) & C_ART) && !label_word(w, k))
                k++;
            if (k < end && label_word(w, k)) {
                for (; j < k; j++)
                    phrase_add(ph, j);
                j--;
                continue;
            }
        }
        break;
    }
}

/* The noun phrase ending at token last, no further back than start: "cifra de fallecidos",
 * "Zahl der Toten", "operative Ergebnis". A prepositional phrase inside is left out:
 * "Inflatie in december" gives "Inflatie". */
static void np_backward(struct window *w, size_t last, size_t start, struct phrase *ph)
{
    ph->count = 0;
    size_t j = last + 1;
    while (j > start && ph->count < PHRASE_MAX - 2) {
        size_t k = j - 1;
        if (w->toks[k].kind != TOK_WORD)
            break;
        if (label_word(w, k)) {
            if (w->lang == LANG_DE && ph->count == 0 && !upper_initial(w, k))
                break;
            phrase_prepend(ph, k);
            j--;
            continue;
        }
        unsigned c = word_class(w, k);
        if (ph->count > 0 && (c & (C_CHAIN | C_ART))) {
            size_t m = k; /* "de los fallecidos": the article after the link */
            if (!(c & C_CHAIN) && m > start && (word_class(w, m - 1) & C_CHAIN))
                m--;
            if ((word_class(w, m) & C_CHAIN) && m > start && label_word(w, m - 1)) {
                for (size_t x = k + 1; x-- > m;)
                    phrase_prepend(ph, x);
                j = m;
                continue;
            }
        }
        if (ph->count > 0 && (c & (C_PREP | C_TO)) && k > start && label_word(w, k - 1) &&
            w->lang != LANG_HI) {
            ph->count = 0;
            j--;
            continue;
        }
        break;
    }
}

/* The nearest verb before token `before`, back to start, and the first token of its group
 * ("ha superato", "se encarece", "vont baisser"). Numbers of earlier figures are passed over:
 * "sube un 14% a 40.600 millones". */
static bool find_verb(struct window *w, size_t start, size_t before, size_t *first, size_t *last)
{
    for (size_t j = before; j > start; j--) {
        size_t k = j - 1;
        if (!looks_like_verb(w, k))
            continue;
        *last = k;
        for (;;) {
            if (k > start &&
                (looks_like_verb(w, k - 1) || (word_class(w, k - 1) & (C_ADV | C_REFLEXIVE))))
                k--;
            else if (k > start + 1 && (word_class(w, k - 1) & C_PREP) &&
                     (word_class(w, k - 2) & C_VERB))
                k -= 2; /* "est en baisse" */
            else
                break;
        }
        *first = k;
        return true;
    }
    return false;
}

/* The object between a verb and "to": "eleva [Selic] para 14,25%", "kommt [die AfD] auf
 * 20,8 Prozent", "повысил [ключевую ставку] до 21%". Nothing when anything else is there. */
static void object_between(struct window *w, size_t verb_last, size_t to, struct phrase *ph)
{
    ph->count = 0;
    for (size_t k = verb_last + 1; k < to; k++) {
        if (label_word(w, k))
            phrase_add(ph, k);
        else if (!(word_class(w, k) & C_ART) || w->toks[k].kind != TOK_WORD)
            return (void)(ph->count = 0);
    }
}

/* Keeps what fits LABEL_WORDS and LABEL_MAX bytes, cut before the last link when the phrase
 * is longer ("bénéfice net du groupe", not "... du groupe de Bernard"), never ending on a link
 * or an article. */
static void lang_fit(struct window *w, struct phrase *ph)
{
    if (w->lang == LANG_HI) {
        /* Head last: "भारत की जीडीपी वृद्धि दर" keeps "जीडीपी वृद्धि दर" (growth rate). */
        size_t from = 0, bytes = 0;
        for (size_t k = 0; k < ph->count; k++)
            bytes += tok_len(&w->toks[ph->words[k]]) + (k > 0);
        while (from < ph->count && (ph->count - from > LABEL_WORDS || bytes > LABEL_MAX ||
                                    !label_word(w, ph->words[from]))) {
            bytes -= tok_len(&w->toks[ph->words[from]]) + 1;
            from++;
        }
        memmove(ph->words, ph->words + from, (ph->count - from) * sizeof(ph->words[0]));
        ph->count -= from;
        return;
    }
    size_t bytes = 0, keep = 0;
    while (keep < ph->count && keep < LABEL_WORDS) {
        size_t len = tok_len(&w->toks[ph->words[keep]]) + (keep > 0);
        if (bytes + len > LABEL_MAX)
            break;
        bytes += len;
        keep++;
    }
    if (keep < ph->count) {
        size_t cut = keep;
        while (cut > 1 && !(word_class(w, ph->words[cut - 1]) & C_CHAIN))
            cut--;
        if (cut > 1)
            keep = cut - 1;
    }
    while (keep > 0 && !label_word(w, ph->words[keep - 1]))
        keep--;
    ph->count = keep;
}

/* The noun after the figure: "2.500 sfollati", "8,7 millions de visiteurs", "50 से ज्यादा लापता"
 * (more than 50 missing). A percentage "of" a base ("113,7 % du PIB") names nothing after it:
 * *share is set to the base instead. */
static void noun_after(struct window *w, const struct figure_span *f, struct phrase *ph,
                       size_t *share)
{
    size_t j = f->consumed + 1;
    ph->count = 0;
    *share = SIZE_MAX;
    if (j + 2 < w->n && (word_class(w, j) & (C_PREP | C_TO)) && (word_class(w, j + 1) & C_APPROX))
        j += 2;
    if (j + 1 < w->n && (word_class(w, j) & C_OF)) {
        size_t k = j + 1;
        while (k + 1 < w->n && (word_class(w, k) & C_ART) && !label_word(w, k))
            k++;
        if (f->kind == FIG_PERCENT && (word_class(w, k) & C_SHARE)) {
            *share = k;
            return;
        }
        j = k;
    }
    /* "207 km/h enregistrées", "40,1 °C relevés": a participle after the figure is its
     * predicate; the label is what comes before. */
    static const char *const participles[] = {"é",   "ée",   "és",  "ées",  "ado", "ados",
                                              "ada", "adas", "ido", "idos", "ida", "idas",
                                              "ato", "ati",  "ata", "ate",  "uto", "uti"};
    bool count = f->kind == FIG_COUNT || f->kind == FIG_GROUPED; /* "2.500 sfollati" counts */
    if (!count && j < w->n && w->toks[j].kind == TOK_WORD && lower_initial(w, j) &&
        ends_with_any(w, j, participles, ARRAY_LEN(participles), 5))
        return;
    np_forward(w, j, w->n, ph);
}

/* Where the words before the figure start, past "plus de", "mehr als", "bis zu", "rund". */
static size_t skip_approx_back(struct window *w, size_t b, size_t start)
{
    while (b > start) {
        unsigned c = word_class(w, b - 1);
        if (c & C_APPROX)
            b--;
        else if (b - 1 > start && (word_class(w, b - 2) & C_APPROX) && (c & (C_OF | C_TO | C_CONJ)))
            b -= 2;
        else
            break;
    }
    return b;
}

/* What the figure at token first belongs to, read backwards in its clause: the noun it is "of"
 * ("un plan de 14.100 millones"), the object of its verb ("eleva Selic para 14,25%"), or the
 * verb's subject ("Le chômage remonte à 7,4 %"); with no verb, the words before it ("die SPD
 * auf 16,4 Prozent"). A figure that opens a clause after a comma takes the clause before
 * ("recule de 3 %, à 41,7 milliards"). */
static void noun_before(struct window *w, size_t first, struct phrase *ph)
{
    size_t b = first, start = clause_start(w, b);
    ph->count = 0;
    for (int pass = 0; pass < 2; pass++) {
        b = skip_approx_back(w, b, start);
        unsigned lead = b > start ? word_class(w, b - 1) : 0;
        size_t limit = lead & (C_OF | C_TO) ? b - 1 : b, vfirst, vlast;
        if ((lead & C_OF) && b - 1 > start && label_word(w, b - 2))
            np_backward(w, b - 2, start, ph);
        if (ph->count == 0 && find_verb(w, start, limit, &vfirst, &vlast)) {
            if (lead & C_TO)
                object_between(w, vlast, limit, ph);
            if (ph->count == 0 && vfirst > start)
                np_backward(w, vfirst - 1, start, ph);
        } else if (ph->count == 0) {
            while (limit > start && w->toks[limit - 1].in_figure)
                limit--; /* "صادرات ... 14% إلى 40.6 مليار": the earlier figure's subject */
            if (limit > start)
                np_backward(w, limit - 1, start, ph);
        }
        if (ph->count > 0 || start == 0 || !is_punct(w, start - 1, ','))
            return;
        b = start - 1;
        start = clause_start(w, b);
    }
}

/* What the figure measures in a language that is not English: the noun after it, else what it
 * belongs to before it, else the base of a share, else the phrase after its preposition ("20%
 * на все китайские товары") unless that only says when. */
static void clause_label(struct window *w, const struct figure_span *f, char *out)
{
    struct phrase ph;
    size_t share, j = f->consumed + 1;
    noun_after(w, f, &ph, &share);
    if (ph.count == 0)
        noun_before(w, f->first, &ph);
    if (ph.count == 0 && share != SIZE_MAX)
        phrase_add(&ph, share);
    if (ph.count == 0 && j + 1 < w->n && (word_class(w, j) & (C_PREP | C_TO))) {
        np_forward(w, j + 1, w->n, &ph);
        if (ph.count > 0 && (word_flags(w, ph.words[ph.count - 1]) & (W_TIME | W_MONTH)))
            ph.count = 0; /* "au troisième trimestre" */
    }
    lang_fit(w, &ph);
    write_label(w, &ph, out);
    size_t el = ph.count > 0 ? elision_len(w, ph.words[0]) : 0;
    if (el && (w->lang == LANG_FR || w->lang == LANG_IT))
        memmove(out, out + el, strlen(out + el) + 1); /* "l’inflazione" reads "inflazione" */
}

static void make_label(struct window *w, const struct figure_span *f, char *out)
{
    struct phrase label, subject;
    if (f->rule == LABEL_AROUND && (unspaced_object(w, f, out) || unspaced_subject(w, f, out)))
        return;
    if (f->rule == LABEL_AROUND && window_lang(w) != LANG_EN) {
        clause_label(w, f, out);
        return;
    }
    if (f->rule == LABEL_CLAUSE_BEFORE) {
        collect_clause_before(w, f->rule_at, &label);
    } else if (f->rule == LABEL_AFTER) {
        collect_after(w, f->rule_at, &label);
    } else if (f->consumed + 2 < w->n && word_equals(w, f->consumed + 1, "off")) {
        /* "wiped $55 billion off its market value" */
        collect_after(w, f->consumed + 2, &label);
    } else {
        collect_after(w, f->consumed + 1, &label);
        size_t lead = 0;
        while (lead < label.count && (word_flags(w, label.words[lead]) & (W_ARTICLE | W_DET)))
            lead++;
        bool empty = lead == label.count;
        bool unspaced = label.count > 0 && is_unspaced_word(w, label.words[0]);
        unsigned lf = empty ? 0 : word_flags(w, label.words[lead]);
        bool of = !empty && word_equals(w, label.words[lead], "of");
        bool share_base =
            of && lead + 1 < label.count &&
            word_in(w, label.words[lead + 1], share_bases, ARRAY_LEN(share_bases), false);
        /* "75,000 American deaths" and "20% of voters" name what is counted after the figure;
         * "tariffs totaling 20% on all Chinese goods" and "inflation rose to 3.5% in March"
         * need the subject from before it; "unemployment hit 4.1% last month" only that. */
        bool counted_unit = (lf & W_UNIT_WORD) && (f->kind == FIG_COUNT || f->kind == FIG_GROUPED);
        /* "675 million monthly users": an -ly time word before a noun is an adjective. */
        bool time_adjective = (lf & W_TIME) && ends_with(w, label.words[lead], "ly", 4) &&
                              lead + 1 < label.count &&
                              is_content(word_flags(w, label.words[lead + 1]));
        /* "$6.23 a dozen", "$3,000 an ounce": a price per unit is the subject's price. */
        bool rate = f->kind == FIG_MONEY && lead == 1 && label.count == 2 &&
                    (word_equals(w, label.words[0], "a") || word_equals(w, label.words[0], "an"));
        /* "Tariffs of 20% hit goods": after a lead-in, a verb-like word starts the predicate. */
        bool predicate = (f->first > 0 && (word_flags(w, f->first - 1) & W_LEADIN) &&
                          (lf & W_LEADIN) && !(lf & (W_LINK | W_PREP))) ||
                         (label.count == 1 && is_ed_verb(w, label.words[0])); /* "recorded" */
        bool subject_only = !unspaced && (empty || predicate || share_base || rate ||
                                          ((lf & W_TIME) && !counted_unit && !time_adjective));
        bool with_subject = !unspaced && !subject_only && (lf & W_LINK) && !of;
        if (subject_only || with_subject) {
            collect_subject(w, f->first, &subject);
            size_t next = lead + 1;
            while (next < label.count && (word_flags(w, label.words[next]) & (W_ARTICLE | W_DET)))
                next++;
            /* "up 15% on last year" with no subject: a bare "last year" says nothing. */
            unsigned nf = next < label.count ? word_flags(w, label.words[next]) : 0;
            bool time_only = (nf & W_TIME) != 0;
            /* "in the three months" says nothing after a subject; "in March" does. */
            bool vague_time = time_only && !(nf & W_MONTH);
            if ((share_base || rate) && subject.count == 0)
                subject_only = false; /* "GDP" beats nothing */
            if (subject_only || vague_time || (subject.count == 0 && time_only))
                label.count = 0;
            for (size_t k = 0; k < label.count && subject.count < PHRASE_MAX; k++)
                phrase_add(&subject, label.words[k]);
            if (subject.count > 0 || label.count == 0)
                label = subject;
        }
    }
    size_t j = f->consumed + 1;
    if (label.count == 0 && f->rule == LABEL_AROUND && j + 1 < w->n &&
        (word_flags(w, j) & (W_PREP | W_LINK)) && !word_equals(w, j, "of")) {
        /* Nothing else names it: "3 million without power in Florida". */
        collect_after(w, j + 1, &label);
        for (size_t k = 0; k < label.count; k++)
            if (word_flags(w, label.words[k]) & (W_TIME | W_MONTH))
                label.count = 0; /* "up 1.1% from a year earlier" */
    }
    phrase_trim(w, &label);
    phrase_fit(w, &label);
    write_label(w, &label, out);
}

/* Value: the tokens from sign or currency to suffix, one space where the text had any. */
static bool make_value(const struct window *w, const struct figure_span *f, char *out)
{
    size_t used = 0;
    size_t last = f->suffix ? f->number_last : f->last;
    for (size_t k = f->first; k <= last; k++) {
        const struct token *t = &w->toks[k];
        size_t len = tok_len(t);
        size_t space = k > f->first && t->space_before;
        if (used + space + len > VALUE_MAX)
            return false;
        if (space)
            out[used++] = ' ';
        memcpy(out + used, w->s + t->start, len);
        used += len;
    }
    if (f->suffix) {
        size_t len = strlen(f->suffix);
        if (used + len > VALUE_MAX)
            return false;
        memcpy(out + used, f->suffix, len);
        used += len;
    }
    if (f->tail_bytes) {
        if (used + f->tail_bytes > VALUE_MAX)
            return false;
        memcpy(out + used, w->s + w->toks[f->last + 1].start, f->tail_bytes);
        used += f->tail_bytes;
    }
    out[used] = '\0';
    return used > 0;
}

/* Ranking */

static bool candidate_before(const struct candidate *a, const struct candidate *b)
{
    return a->score != b->score ? a->score > b->score : a->seq < b->seq;
}

static void pool_add(struct pool *pool, const struct candidate *c)
{
    for (size_t k = 0; k < pool->count; k++) {
        struct candidate *old = &pool->items[k];
        if (strcmp(old->value, c->value) != 0)
            continue;
        /* The same figure again, usually the summary repeating the title: keep the first,
         * but let a later mention name it when the first had no label. */
        if (old->label[0] == '\0' && c->label[0] != '\0')
            memcpy(old->label, c->label, sizeof(old->label));
        return;
    }
    if (pool->count < POOL_SIZE) {
        pool->items[pool->count++] = *c;
        return;
    }
    size_t worst = 0;
    for (size_t k = 1; k < pool->count; k++)
        if (candidate_before(&pool->items[worst], &pool->items[k]))
            worst = k;
    if (candidate_before(c, &pool->items[worst]))
        pool->items[worst] = *c;
}

static void consider(struct window *w, size_t i, bool in_title, struct pool *pool, size_t *next)
{
    struct figure_span f;
    bool ok = parse_figure(w, i, &f);
    *next = f.consumed + 1;
    if (!ok)
        return;
    struct candidate c;
    if (!make_value(w, &f, c.value))
        return;
    make_label(w, &f, c.label);
    for (size_t k = f.first; k <= f.consumed; k++)
        w->toks[k].in_figure = true;
    c.score = kind_score[f.kind] + (in_title ? 100 : 0) + (c.label[0] ? 5 : 0);
    c.seq = pool->next_seq++;
    pool_add(pool, &c);
}

/* Considers the numbers starting in [from, to); returns where the next scan resumes, which is
 * past to when the last figure ran on ("3 in 10" must not be read again as "10"). */
static size_t scan_window(struct window *w, size_t from, size_t to, bool in_title,
                          struct pool *pool)
{
    w->title_case = -1;
    size_t i = from;
    while (i < to) {
        size_t next = i + 1;
        if (w->toks[i].kind == TOK_NUMBER)
            consider(w, i, in_title, pool, &next);
        i = next > i ? next : i + 1;
    }
    return i;
}

static void scan_text(const char *text, bool in_title, struct pool *pool, struct window *w)
{
    struct scanner sc = {text, strlen(text), 0};
    w->s = text;
    w->n = 0;
    w->starts_text = true;
    size_t first = 0;
    struct token t;
    while (next_token(&sc, &t)) {
        w->toks[w->n++] = t;
        /* "3,1 Mrd. Euro": an abbreviation's full stop does not end the sentence. */
        bool end = is_terminator(&t) && !(t.cp == '.' && !t.space_before && w->n >= 2 &&
                                          is_scale_abbreviation(w, w->n - 2));
        if (!end && w->n < WINDOW)
            continue;
        size_t last = end ? w->n : w->n - LOOKAHEAD;
        size_t resume = last > first ? scan_window(w, first, last, in_title, pool) : first;
        if (last < first)
            last = first;
        /* Keep a little context: "No. 10" spans a full stop, a range may span the cut. */
        size_t keep_from = last > KEEP_BEHIND ? last - KEEP_BEHIND : 0;
        memmove(w->toks, w->toks + keep_from, (w->n - keep_from) * sizeof(w->toks[0]));
        w->n -= keep_from;
        first = MAX(last, resume) - keep_from;
        if (keep_from > 0)
            w->starts_text = false;
    }
    if (w->n > first)
        scan_window(w, first, w->n, in_title, pool);
}

size_t figures_extract(const char *title, const char *summary, struct figure *out, size_t max)
{
    if (!out || max == 0)
        return 0;
    if (max > STORY_MAX_FIGURES)
        max = STORY_MAX_FIGURES;
    struct pool pool;
    pool.count = 0;
    pool.next_seq = 0;
    struct window *w = xmalloc(sizeof(*w));
    w->title = title;
    w->summary = summary;
    w->lang = -1;
    scan_text(title ? title : "", true, &pool, w);
    scan_text(summary ? summary : "", false, &pool, w);
    free(w);

    /* Insertion sort: the pool is tiny and this keeps equal scores in text order. */
    for (size_t k = 1; k < pool.count; k++) {
        struct candidate c = pool.items[k];
        size_t j = k;
        while (j > 0 && candidate_before(&c, &pool.items[j - 1])) {
            pool.items[j] = pool.items[j - 1];
            j--;
        }
        pool.items[j] = c;
    }
    size_t n = MIN(pool.count, max);
    for (size_t k = 0; k < n; k++) {
        out[k].value = xstrdup(pool.items[k].value);
        out[k].label = xstrdup(pool.items[k].label);
    }
    return n;
}
