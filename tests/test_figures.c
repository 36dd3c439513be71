/* Figure extraction on real-world headlines and summaries: which numbers become key figures,
 * in which order, and what the label under each says. The seed-article rows are exact; where
 * a label's wording is a judgement call, "~word" only requires the label to contain word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"

struct figures_case {
    const char *title;
    const char *summary;
    const char *values; /* expected values in order, joined with '|'; "" for none */
    const char *labels; /* one per value, joined with '|'; "~x": the label contains x */
};

static const struct figures_case cases[] = {
    /* The seed article (shared/seed/article.txt) and the default feed built from it. */
    {"Donald Trump has imposed two rounds of tariffs totaling 20% on all Chinese goods", "", "20%",
     "tariffs on all Chinese goods"},
    {"",
     "The Trump administration claims that China manufactures opioid products that enter "
     "the U.S. via Mexico and Canada, causing approximately 75,000 American deaths annually, "
     "and this situation must be addressed.",
     "75,000", "American deaths annually"},
    {"US ties about 75,000 American deaths a year to fentanyl", "", "75,000",
     "American deaths a year"},
    {"Two rounds of US tariffs reach 20% on all Chinese goods",
     "President Trump has imposed two rounds of tariffs totalling 20% on all Chinese goods, "
     "citing China’s failure to stop fentanyl entering the US. Beijing has retaliated with its "
     "own measures.",
     "20%", "US tariffs on all Chinese goods"},
    {"US ties about 75,000 American deaths a year to fentanyl",
     "The Trump administration says opioid products made in China reach the US through Mexico "
     "and Canada, causing approximately 75,000 American deaths annually.",
     "75,000", "American deaths a year"},
    {"",
     "Since taking office as President of the United States, Donald Trump has imposed two "
     "rounds of tariffs totaling 20% on all Chinese goods, citing China’s failure to prevent "
     "fentanyl from entering the U.S. Beijing has retaliated with its own measures in "
     "response. The Trump administration claims that China manufactures opioid products "
     "that enter the U.S. via Mexico and Canada, causing approximately 75,000 American "
     "deaths annually, and this situation must be addressed.",
     "20%|75,000", "tariffs on all Chinese goods|American deaths annually"},
    {"",
     "During Trump’s second term, two rounds of tariffs were imposed on China concerning the "
     "fentanyl issue. China released a white paper on fentanyl substances control on March "
     "4, outlining specific steps to combat fentanyl to assure the U.S. that Beijing has "
     "been addressing drug flows into America.",
     "", ""},
    {"",
     "Yet on April 16, 2024, the U.S. Congressional-Executive Commission on China published "
     "a report revealing how the CCP plays a role in the proliferation of fentanyl in the "
     "U.S. The extensive investigation exposed seven alarming findings.",
     "", ""},
    {"China’s fentanyl white paper of March 4 sets out its steps", "", "", ""},

    /* Money */
    {"Microsoft to buy Activision for $68.7 billion in cash", "", "$68.7 billion", "~Activision"},
    {"Apple's market value hits $3 trillion", "", "$3 trillion", "Apple's market value"},
    {"Germany approves €100bn fund for its armed forces", "", "€100bn", "fund"},
    {"Meta fined €1.2bn over EU data transfers", "", "€1.2bn", "Meta"},
    {"Shein valued at US$66 billion in latest funding round", "", "US$66 billion", "~Shein"},
    {"Saudi Aramco posts record profit of USD 161 billion", "", "USD 161 billion", "record profit"},
    {"A ¥100 coin now buys less than it did in 1990", "", "¥100", "coin"},
    {"Elon Musk’s pay package of $56 billion was voided", "", "$56 billion", "Musk’s pay package"},
    {"The deal is worth £3bn to the UK economy", "", "£3bn", "deal"},
    {"Tax revenue reached ₹20 lakh crore this year", "", "₹20 lakh crore", "Tax revenue"},
    {"The company raised USD 5 million from 12 investors", "", "USD 5 million|12",
     "company|investors"},
    {"Bitcoin tops $100,000 for the first time", "", "$100,000", "Bitcoin"},
    {"Investors pulled $8.5bn from emerging market funds in June", "", "$8.5bn", "Investors"},
    {"The film grossed $1.4 billion worldwide", "", "$1.4 billion", "film"},
    {"Chip sales could hit 1 trillion dollars by 2030", "", "1 trillion dollars|2030",
     "Chip sales|"},
    {"The fund posted a -$5bn swing", "", "-$5bn", "swing"},
    {"Apple Agrees To Pay $1.5 Billion To Settle Claims", "", "$1.5 Billion", "Apple"},
    {"The G7 agreed on a $50 billion loan for Ukraine", "", "$50 billion", "loan for Ukraine"},

    /* Percentages: signs, ranges, words, decimal commas */
    {"Inflation rose to 3.5% in March from 3.2% in February", "", "3.5%|3.2%",
     "Inflation in March|"},
    {"UK inflation falls to 6.7%, lowest in 18 months", "", "6.7%", "UK inflation"},
    {"Chinese exports fall 14.5% in July, the steepest drop since February 2020", "", "14.5%",
     "Chinese exports in July"},
    {"Nvidia shares surge 24% as AI chip demand soars", "", "24%", "Nvidia shares"},
    {"About 40 percent of adults say they skip breakfast", "", "40%", "adults"},
    {"Rents rose 9.2 per cent year on year in London", "", "9.2%", "Rents"},
    {"Unemployment stood at 4.1% last month", "", "4.1%", "Unemployment"},
    {"The budget deficit widened to 5.8% of GDP", "", "5.8%", "budget deficit"},
    {"Interest rates held at 5.25%-5.5%, the highest in 22 years", "", "5.25%-5.5%",
     "Interest rates"},
    {"Shares fell 20-25% after the 2nd warning in the 1990s", "", "20-25%", "Shares"},
    {"Factory output falls −2.1% in November", "", "−2.1%", "Factory output in November"},
    {"Fed cuts rates by 0.25 percentage points", "", "0.25 points", "rates"},
    {"The drug cut the risk of death by 20%", "", "20%", "risk of death"},
    {"Spotify to cut 1,500 jobs, about 17% of its workforce", "", "17%|1,500", "workforce|jobs"},
    {"Renewables supplied 30% of the world’s electricity in 2023", "", "30%",
     "world’s electricity"},
    {"Mortgage rates top 7% for first time since 2001", "", "7%", "Mortgage rates"},
    {"Argentina’s inflation hits 211% a year", "", "211%", "Argentina’s inflation"},
    {"Spain’s unemployment rate drops below 12% for the first time since 2008", "", "12%",
     "Spain’s unemployment rate"},
    {"The ECB kept rates at 4% for a fifth straight meeting", "", "4%", "rates"},
    {"Home prices are down 1.2% year-on-year, Zillow says", "", "1.2%", "Home prices"},
    {"Die Inflation lag bei 2,4 % im März", "", "2,4%", "Inflation"},
    {"La inflación subió al 3,5% en marzo", "", "3,5%", "inflación"},

    /* Multipliers, scale words, units, ratios */
    {"Revenue jumped 3x to €20m, while costs fell -3.5%", "", "€20m|-3.5%|3x",
     "Revenue|costs|Revenue"},
    {"The new chip is 3x faster and uses 40% less power", "", "40%|3x", "power|faster"},
    {"Zelensky asks for 5x more air defence systems", "", "5x", "air defence systems"},
    {"Demand for AI chips grew 4× in a year", "", "4×", "~AI chips"},
    {"Tesla recalls 2 million vehicles over Autopilot flaw", "", "2 million", "vehicles"},
    {"Heathrow handled 79.2 million passengers in 2023", "", "79.2 million", "passengers"},
    {"Ford recalls 1.9m vehicles over rear-view camera issue", "", "1.9m", "vehicles"},
    {"The population of India hit 1.43 billion, overtaking China", "", "1.43 billion",
     "population of India"},
    {"Covid-19 deaths topped 7 million worldwide", "", "7 million", "Covid-19 deaths"},
    {"Oil prices jump 5% after OPEC cuts output by 2 million barrels a day", "",
     "5%|2 million barrels", "Oil prices|output"},
    {"Average temperatures were 1.5°C above pre-industrial levels", "", "1.5°C",
     "Average temperatures"},
    {"Global temperatures could rise 2.7C by 2100, UN warns", "", "2.7C|2100",
     "Global temperatures|"},
    {"Nearly 1 in 5 children live in poverty", "", "1 in 5", "children"},
    {"Roughly 3 in 10 Americans own a gun", "", "3 in 10", "Americans"},
    {"Water levels dropped 3 metres this summer", "", "3 metres", "Water levels"},

    /* Counts */
    {"Amazon to cut 18,000 jobs as tech layoffs deepen", "", "18,000", "jobs"},
    {"Walmart to hire 50,000 seasonal workers", "", "50,000", "seasonal workers"},
    {"Wildfires burned 4,000 hectares near Athens", "", "4,000 hectares", "Wildfires near Athens"},
    {"A 6.1 magnitude quake killed 75 people and injured 1,200 others", "", "1,200|75",
     "others|people"},
    {"About 700 migrants were rescued off the coast of Libya", "", "700", "migrants"},
    {"The virus has infected more than 5,000 people in 12 countries", "", "5,000|12",
     "people|countries"},
    {"He served 8 years in prison and was freed on 3 March 2021", "", "8", "years in prison"},
    {"Ukraine says 30 drones shot down overnight", "", "30", "drones"},
    {"Over 1.000.000 Menschen besuchten die Messe", "", "1.000.000", "~Menschen"},
    {"Die Partei erhielt 1.234.567 Stimmen", "", "1.234.567", "Stimmen"},
    {"Rund 75.000 Menschen demonstrierten in Berlin", "", "75.000", "Menschen"},
    {"The index closed at 75.000 points", "", "", ""}, /* a decimal in English: ambiguous */
    {"Environ 75\u00a0000 personnes ont manifesté", "", "75\u00a0000", "~personnes"},
    {"Unemployment claims rose by 12,000 to 230,000 last week", "", "12,000|230,000",
     "Unemployment claims|Unemployment claims"},
    {"Version 2.4.1 fixes 37 bugs", "", "37", "bugs"},
    {"Python 3.12 is 5% faster than 3.11", "", "5%", "faster"},
    {"Plans for 2025 include 12 new stores", "", "12", "new stores"},

    /* Years: skipped unless they are the point */
    {"EU to ban new petrol car sales by 2035", "", "2035", "ban new petrol car sales"},
    {"2024 was the hottest year on record", "", "2024", "hottest year on record"},
    {"UN: 2023 was the warmest year ever recorded", "", "2023", "warmest year ever"},
    {"In 2024 alone, overdoses killed 80,000 Americans", "", "80,000|2024", "Americans|"},
    {"Brazil’s Lula pledges to end deforestation by 2030", "", "2030", "end deforestation"},
    {"By 2050, 68% of people will live in cities", "", "68%|2050", "people|"},
    {"SpaceX launched 96 rockets in 2023, a record", "", "96", "rockets"},
    {"The 2024 Olympics in Paris drew crowds", "", "", ""},
    {"March 2024 was wetter than usual", "", "", ""},
    {"The report covers 1990-2020 data", "", "", ""},

    /* No figures: ordinals, times, dates, phones, versions, names, scores, ages, spans */
    {"No figures here, just words about the weather and the news", "", "", ""},
    {"Japan’s central bank raises rates for the first time in 17 years", "", "", ""},
    {"Boeing 737 Max deliveries resume after 20-month grounding", "", "", ""},
    {"The bill passed 52-48 in the Senate", "", "", ""},
    {"The iPhone 15 goes on sale on September 22", "", "", ""},
    {"Visitors can call +44 20 7946 0958 for tickets", "", "", ""},
    {"Call 555-123-4567 at 09:00 or visit v2.0.1", "", "", ""},
    {"Firefox 121 adds support for 3 new codecs", "", "", ""},
    {"Six people were injured in the crash on Route 66", "", "", ""},
    {"Polls close at 10pm; results expected after 2am", "", "", ""},
    {"The 2nd round of talks starts on 15 March at 10:00 GMT", "", "", ""},
    {"The 1st Battalion returned home", "", "", ""},
    {"He scored 2 goals in the 3-1 win", "", "", ""},
    {"A 10-year-old boy was rescued after 3 days", "", "", ""},
    {"The 747 made its final flight after 54 years", "", "", ""},
    {"A magnitude 4 earthquake struck at 03:42 local time", "", "", ""},
    {"Scientists find 2 new species in the Amazon", "", "", ""},
    {"COVID-19 and G20 talks stall", "", "", ""},
    {"The case is open 24/7 at No. 10", "", "", ""},
    {"", "", "", ""},

    /* Title first, then the summary; a value repeated there is dropped */
    {"Tariffs of 20% hit goods", "The 20 percent tariffs apply to all goods", "20%", "Tariffs"},
    {"Storm kills 40 people", "Insurers expect losses of $2bn, up 15% on last year", "40|$2bn|15%",
     "people|losses|"},
    {"Talks stall", "Toyota sold 11.2 million vehicles worldwide last year", "11.2 million",
     "~vehicles"},
    {"4K TV sales rise 12% in Europe", "", "12%", "~TV sales"},

    /* Other languages: the noun after the figure, the noun it is "of", or the verb's subject */
    {"中国对美国商品加征20%关税，造成75,000人死亡", "", "20%|75,000", "关税|人死亡"},
    {"Прибыль выросла на 20% до 1,5 млрд рублей", "", "20%|1,5 млрд рублей", "Прибыль|Прибыль"},
    {"Около 20% на все китайские товары", "", "20%", "все китайские товары"},
    {"بلغ التضخم 5% في مارس", "", "5%", "~مارس"},

    /* Issue 15: what live blogs, aggregators and other languages publish */
    {"Live: 13 min ago, Storm cuts power to 20,000 homes", "", "20,000", "homes"},
    {"Why rates matter (5 min read)", "Posted 2 hrs ago by a reader", "", ""},
    {"Ask HN: What are you working on?", "Points: 342 Comments: 87", "", ""},
    {"Rent now takes 40% of income", "2.3k upvotes, 87 comments", "40%", "income"},
    {"Apple ships iOS 18 to the iPhone 15 Pro", "", "", ""},
    {"Der Umsatz lag bei 3,1 Mrd. Euro", "", "3,1 Mrd. Euro", "Umsatz"},
    {"La dette dépasse 3\u202f300 milliards d’euros", "", "3\u202f300 milliards d’euros", "~dette"},
    {"El Gobierno aprueba 14.100 millones de euros", "", "14.100 millones de euros", "~Gobierno"},
    {"Le chômage remonte à 7,4\u202f%", "", "7,4%", "~chômage"},
    {"Население сократилось на 596 тыс. человек", "", "596 тыс.", "~человек"},
    {"比亚迪上半年营收3012亿元", "", "3012亿元", "半年营收"},
    {"去年の出生数 72万988人で過去最少", "", "72万988", "出生数"},
    {"这是中国队第14次夺得冠军，17年ぶり、24日", "", "", ""},

    /* Labels by each language's word order (clause_label) */
    {"Zahl der Asylanträge sinkt um 30 Prozent", "", "30%", "Zahl der Asylanträge"},
    {"Lufthansa streicht 4.000 Stellen in der Verwaltung", "", "4.000", "Stellen"},
    {"Das operative Ergebnis sank im ersten Halbjahr auf 3,1 Mrd. Euro", "", "3,1 Mrd. Euro",
     "operative Ergebnis"},
    {"Le bénéfice net du groupe chute de 22 %", "", "22%", "bénéfice net du groupe"},
    {"La fréquentation est en baisse de 2 %", "", "2%", "fréquentation"},
    {"Elle représente 113,7 % du PIB", "", "113,7%", "PIB"},
    {"Inditex gana 5.866 millones de euros, un 9% más", "", "5.866 millones de euros|9%",
     "Inditex|Inditex"},
    {"La cifra de fallecidos asciende a 158", "", "158", "cifra de fallecidos"},
    {"Copom eleva Selic para 14,25% ao ano", "", "14,25%", "Selic"},
    {"Petrobras lucra R$ 35,2 bilhões no trimestre", "", "R$ 35,2 bilhões", "Petrobras"},
    {"A área devastada foi de 6.288 km²", "", "6.288 km²", "área devastada"},
    {"Istat, l'inflazione a dicembre sale all'1,3%", "", "1,3%", "inflazione"},
    {"Maltempo in Emilia-Romagna, 2.500 sfollati",
     "Sono caduti 300 millimetri di pioggia in due giorni.", "2.500|300 millimetri",
     "sfollati|pioggia"},
    {"Inflatie in december opgelopen naar 4,1 procent", "", "4,1%", "Inflatie"},
    {"Een gemiddelde koopwoning kostte volgens het CBS ruim 465.000 euro", "", "465.000 euro",
     "gemiddelde koopwoning"},
    {"Центробанк повысил ключевую ставку до 21%", "", "21%", "ключевую ставку"},
    {"Курс рубля вырос на 3%", "", "3%", "Курс рубля"},
    {"Tempête : des rafales à 207 km/h enregistrées dans le Finistère", "", "207 km/h", "rafales"},
    {"Выручка компании за год снизилась на 27%, до 8,5 трлн рублей", "", "27%|8,5 трлн рублей",
     "Выручка компании|Выручка компании"},
    {"Заседание совета запланировано на 20 декабря", "", "", ""},
    {"Le sommet aura lieu le 8 septembre", "", "", ""},
    {"El francés marcó en los minutos 14, 35 y 70", "", "", ""},
    {"معدل التضخم السنوي في المدن تراجع إلى 24.1%", "", "24.1%", "~التضخم"},
    {"أعلنت الهيئة أن معدل البطالة بلغ ٧٫١٪", "", "٧٫١٪", "معدل البطالة"},
    {"أرامكو تحقق أرباحا بقيمة ٢٧٫٥ مليار دولار", "", "٢٧٫٥ مليار دولار", "أرباحا"},
    {"देश में बेरोजगारी दर घटकर 5.1% पर आई", "", "5.1%", "बेरोजगारी दर"},
    {"भारत की जीडीपी वृद्धि दर 8.2% रही", "", "8.2%", "जीडीपी वृद्धि दर"},

    /* English patterns from the labelled set */
    {"Typhoon Yagi death toll in Vietnam rises to 197", "", "197", "~death toll in Vietnam"},
    {"Israeli strikes kill at least 400 in Gaza", "", "400", "~Gaza"},
    {"S&P 500 slumps 2.7% as tariff fears grip Wall Street", "", "2.7%", "S&P 500"},
    {"Gold hits record $3,000 an ounce", "", "$3,000", "Gold"},
    {"PDD Holdings wiped $55 billion off its market value", "", "$55 billion", "market value"},
    {"Spotify hits 675 million monthly users", "", "675 million", "monthly users"},
    {"About 1.2 million internally displaced people went back", "", "1.2 million",
     "internally displaced people"},
    {"iPhone sales rose 6% to $69.1bn in the three months to December", "", "6%|$69.1bn",
     "iPhone sales|iPhone sales"},
    {"The average global temperature last year was 1.6C above the norm", "", "1.6C",
     "average global temperature"},
    {"More than 3 million without power in Florida", "", "3 million", "power in Florida"},
    {"Gusts of 183km/h recorded", "", "183km/h", "Gusts"},
    {"Petrol falls to 132p a litre", "", "132p", "Petrol"},
    {"Stream the final in 1080p tonight", "", "", ""},
    {"Just finished my first marathon at 41 years old", "", "", ""},
    {"Meta fined €1.2bn over EU data transfers", "", "€1.2bn", "Meta"},
};

/* Copies the next '|'-separated field of *list into out and advances *list. */
static void next_field(const char **list, char *out, size_t size)
{
    const char *bar = strchr(*list, '|');
    size_t len = bar ? (size_t)(bar - *list) : strlen(*list);
    snprintf(out, size, "%.*s", (int)len, *list);
    *list += bar ? len + 1 : len;
}

static void test_figures_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const struct figures_case *fc = &cases[c];
        struct figure figs[STORY_MAX_FIGURES];
        size_t n = figures_extract(fc->title, fc->summary, figs, STORY_MAX_FIGURES);

        char got[512] = "";
        for (size_t i = 0; i < n; i++) {
            size_t used = strlen(got);
            snprintf(got + used, sizeof(got) - used, "%s%s <%s>", i ? " | " : "", figs[i].value,
                     figs[i].label);
        }
        size_t expected = fc->values[0] ? 1 : 0;
        for (const char *p = fc->values; *p; p++)
            expected += *p == '|';
        if (n != expected) {
            for (size_t i = 0; i < n; i++) {
                free(figs[i].value);
                free(figs[i].label);
            }
            fail_msg("case %zu \"%s\": got %zu figures (%s), expected \"%s\"", c, fc->title, n, got,
                     fc->values);
        }

        /* Check everything first and fail after freeing, so a failure reports no leaks. */
        char error[1024] = "";
        const char *values = fc->values, *labels = fc->labels;
        for (size_t i = 0; i < n; i++) {
            char value[128], label[128];
            next_field(&values, value, sizeof(value));
            next_field(&labels, label, sizeof(label));
            bool label_ok = label[0] == '~' ? strstr(figs[i].label, label + 1) != NULL
                                            : strcmp(figs[i].label, label) == 0;
            if (!error[0] && strcmp(figs[i].value, value) != 0)
                snprintf(error, sizeof(error), "value %zu is \"%s\", expected \"%s\"", i,
                         figs[i].value, value);
            else if (!error[0] && !label_ok)
                snprintf(error, sizeof(error), "label %zu is \"%s\", expected \"%s\"", i,
                         figs[i].label, label);
            else if (!error[0] && (strlen(figs[i].value) > 64 || strlen(figs[i].label) > 48))
                snprintf(error, sizeof(error), "figure %zu is too long", i);
            free(figs[i].value);
            free(figs[i].label);
        }
        if (error[0])
            fail_msg("case %zu \"%s\": %s (got %s)", c, fc->title, error, got);
    }
}

/* Limits: max is honoured and clamped to STORY_MAX_FIGURES, NULL texts are empty ones, and a
 * long label is cut at a word without ending in a preposition. */
static void test_figures_limits(void **state)
{
    (void)state;
    const char *many = "Sales rose 10% to $5bn, profit rose 20% to $1bn, costs fell 30%, "
                       "and 40,000 staff got 3x more shares";
    struct figure figs[8];

    size_t n = figures_extract(many, "", figs, 8);
    assert_int_equal(n, STORY_MAX_FIGURES);
    for (size_t i = 0; i < n; i++) {
        free(figs[i].value);
        free(figs[i].label);
    }

    n = figures_extract(many, NULL, figs, 1);
    assert_int_equal(n, 1);
    assert_string_equal(figs[0].value, "10%");
    assert_string_equal(figs[0].label, "Sales");
    free(figs[0].value);
    free(figs[0].label);

    assert_int_equal(figures_extract(many, "", figs, 0), 0);
    assert_int_equal(figures_extract(NULL, NULL, figs, 3), 0);

    n = figures_extract("Officials said 75,000 of the poorest rural households in the "
                        "drought-stricken northern provinces of the country were affected",
                        "", figs, 3);
    assert_int_equal(n, 1);
    assert_string_equal(figs[0].value, "75,000");
    assert_string_equal(figs[0].label, "poorest rural households");
    free(figs[0].value);
    free(figs[0].label);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_table),
        cmocka_unit_test(test_figures_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
