/* demo_names.c — common given and family names of many cultures for the
 * demo generator, in their own scripts (Latin with its accents, Cyrillic,
 * Greek, Han, kana, Hangul, Arabic), and folding to ASCII e-mail handles. */
#include "demo_names.h"

#include <stdint.h>
#include <string.h>

#define N(s) { s, NULL }
#define NL(s, l) { s, l }
#define F(s) { { s, NULL }, { NULL, NULL } }
#define FL(s, l) { { s, l }, { NULL, NULL } }
#define FG(m, f) { { m, NULL }, { f, NULL } }
#define FGL(m, ml, f, fl) { { m, ml }, { f, fl } }
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* English (US, UK, Ireland, Canada, Australia) */
static const struct demo_name en_m[] = {
	N("James"), N("John"), N("Robert"), N("Michael"), N("William"), N("David"),
	N("Richard"), N("Joseph"), N("Thomas"), N("Christopher"), N("Daniel"),
	N("Matthew"), N("Anthony"), N("Mark"), N("Steven"), N("Andrew"), N("Brian"),
	N("Kevin"), N("Ryan"), N("Jason"), N("Dale"), N("Gary"), N("Eric"), N("Scott"),
	N("Patrick"), N("Liam"), N("Noah"), N("Ethan"),
};
static const struct demo_name en_f[] = {
	N("Mary"), N("Patricia"), N("Jennifer"), N("Linda"), N("Elizabeth"), N("Barbara"),
	N("Susan"), N("Jessica"), N("Sarah"), N("Karen"), N("Emily"), N("Ashley"),
	N("Michelle"), N("Amanda"), N("Melissa"), N("Laura"), N("Rebecca"), N("Megan"),
	N("Hannah"), N("Olivia"), N("Emma"), N("Grace"), N("Dalia"), N("Siobhan"),
	N("Chloe"), N("Abigail"),
};
static const struct demo_family en_fam[] = {
	F("Smith"), F("Johnson"), F("Williams"), F("Brown"), F("Jones"), F("Miller"),
	F("Davis"), F("Wilson"), F("Anderson"), F("Taylor"), F("Thomas"), F("Moore"),
	F("Jackson"), F("Martin"), F("Thompson"), F("White"), F("Harris"), F("Clark"),
	F("Lewis"), F("Robinson"), F("Walker"), F("Young"), F("Allen"), F("King"),
	F("Wright"), F("Scott"), F("Hill"), F("Green"), F("Adams"), F("Baker"),
	F("Nelson"), F("Carter"), F("Mitchell"), F("Campbell"), F("Roberts"),
	F("Turner"), F("Phillips"), F("Parker"), F("Evans"), F("Edwards"), F("Collins"),
	F("Stewart"), F("Murphy"), F("Cook"), F("Morgan"), F("Cooper"), F("Peterson"),
	F("Reed"), F("Bailey"), F("Kelly"), F("Howard"), F("Brooks"), F("Sullivan"),
	F("O'Brien"), F("Bennett"), F("Hughes"), F("Foster"), F("Brewer"), F("Brewster"),
	F("Walsh"), F("MacDonald"),
};

/* Spanish (Spain, Latin America) */
static const struct demo_name es_m[] = {
	N("José"), N("Juan"), N("Luis"), N("Carlos"), N("Javier"), N("Miguel"),
	N("Alejandro"), N("Diego"), N("Andrés"), N("Sergio"), N("Raúl"), N("Jesús"),
	N("Fernando"), N("Pablo"), N("Martín"), N("Ramón"),
};
static const struct demo_name es_f[] = {
	N("María"), N("Carmen"), N("Lucía"), N("Sofía"), N("Isabel"), N("Ana"),
	N("Laura"), N("Elena"), N("Paula"), N("Marta"), N("Valentina"), N("Camila"),
	N("Guadalupe"), N("Ximena"), N("Inés"), N("Begoña"),
};
static const struct demo_family es_fam[] = {
	F("García"), F("Rodríguez"), F("González"), F("Fernández"), F("López"),
	F("Martínez"), F("Sánchez"), F("Pérez"), F("Gómez"), F("Martín"), F("Jiménez"),
	F("Hernández"), F("Díaz"), F("Moreno"), F("Álvarez"), F("Muñoz"), F("Romero"),
	F("Ruiz"), F("Torres"), F("Ramírez"), F("Flores"), F("Vargas"), F("Castillo"),
	F("Ortega"), F("Núñez"), F("Peña"), F("Ibáñez"), F("Castañeda"),
};

/* Portuguese (Portugal, Brazil) */
static const struct demo_name pt_m[] = {
	N("João"), N("Pedro"), N("Lucas"), N("Gabriel"), N("Rafael"), N("Tiago"),
	N("Gonçalo"), N("Rodrigo"), N("Mateus"), N("António"), N("Vinícius"),
	N("Sebastião"),
};
static const struct demo_name pt_f[] = {
	N("Ana"), N("Beatriz"), N("Mariana"), N("Inês"), N("Leonor"), N("Larissa"),
	N("Juliana"), N("Fernanda"), N("Luíza"), N("Conceição"), N("Letícia"),
	N("Débora"),
};
static const struct demo_family pt_fam[] = {
	F("Silva"), F("Santos"), F("Ferreira"), F("Pereira"), F("Oliveira"), F("Costa"),
	F("Rodrigues"), F("Martins"), F("Sousa"), F("Gonçalves"), F("Almeida"),
	F("Ribeiro"), F("Carvalho"), F("Araújo"), F("Magalhães"), F("Simões"),
	F("Conceição"), F("Nascimento"),
};

/* German (Germany, Austria, Switzerland) */
static const struct demo_name de_m[] = {
	N("Lukas"), N("Jonas"), N("Maximilian"), N("Felix"), N("Tobias"), N("Jürgen"),
	N("Stefan"), N("Matthias"), N("Andreas"), N("Klaus"), N("Günter"), N("Wolfgang"),
	N("Jörg"), N("Florian"),
};
static const struct demo_name de_f[] = {
	N("Anna"), N("Lena"), N("Sophie"), N("Katharina"), N("Julia"), N("Sabine"),
	N("Ursula"), N("Monika"), N("Jana"), N("Mia"), N("Bärbel"), N("Jördis"),
	N("Franziska"), N("Lea"),
};
static const struct demo_family de_fam[] = {
	F("Müller"), F("Schmidt"), F("Schneider"), F("Fischer"), F("Weber"), F("Meyer"),
	F("Wagner"), F("Becker"), F("Schulz"), F("Hoffmann"), F("Schäfer"), F("Koch"),
	F("Bauer"), F("Richter"), F("Klein"), F("Wolf"), F("Schröder"), F("Neumann"),
	F("Schwarz"), F("Zimmermann"), F("Krüger"), F("Hofmann"), F("Köhler"), F("Weiß"),
	F("Großmann"),
};

/* French (France, Quebec, Switzerland) */
static const struct demo_name fr_m[] = {
	N("Jean"), N("Pierre"), N("Louis"), N("Hugo"), N("Théo"), N("François"),
	N("Étienne"), N("Nicolas"), N("Julien"), N("Mathieu"), N("Benoît"), N("Jérôme"),
	N("Gaël"),
};
static const struct demo_name fr_f[] = {
	N("Marie"), N("Camille"), N("Léa"), N("Chloé"), N("Manon"), N("Inès"),
	N("Élodie"), N("Sophie"), N("Céline"), N("Amélie"), N("Hélène"), N("Zoé"),
	N("Anaïs"),
};
static const struct demo_family fr_fam[] = {
	F("Martin"), F("Bernard"), F("Dubois"), F("Thomas"), F("Robert"), F("Richard"),
	F("Petit"), F("Durand"), F("Leroy"), F("Moreau"), F("Simon"), F("Laurent"),
	F("Lefèvre"), F("Michel"), F("Fournier"), F("Girard"), F("Bonnet"), F("Dupont"),
	F("Lambert"), F("Fontaine"), F("Rousseau"), F("Mercier"), F("Blanc"), F("Guérin"),
	F("Faure"), F("Lemaître"),
};

/* Italian */
static const struct demo_name it_m[] = {
	N("Marco"), N("Giuseppe"), N("Luca"), N("Francesco"), N("Alessandro"),
	N("Andrea"), N("Matteo"), N("Lorenzo"), N("Niccolò"), N("Giovanni"),
	N("Davide"), N("Simone"),
};
static const struct demo_name it_f[] = {
	N("Giulia"), N("Francesca"), N("Chiara"), N("Sara"), N("Martina"), N("Alessia"),
	N("Federica"), N("Elisa"), N("Valentina"), N("Giorgia"), N("Aurora"),
	N("Beatrice"),
};
static const struct demo_family it_fam[] = {
	F("Rossi"), F("Russo"), F("Ferrari"), F("Esposito"), F("Bianchi"), F("Romano"),
	F("Colombo"), F("Ricci"), F("Marino"), F("Greco"), F("Bruno"), F("Gallo"),
	F("Conti"), F("De Luca"), F("Mancini"), F("Costa"), F("Giordano"), F("Rizzo"),
	F("Lombardi"), F("Moretti"),
};

/* Nordic (Sweden, Denmark, Norway, Finland) */
static const struct demo_name nordic_m[] = {
	N("Lars"), N("Erik"), N("Anders"), N("Johan"), N("Mikael"), N("Nils"),
	N("Magnus"), N("Henrik"), N("Søren"), N("Bjørn"), N("Jens"), N("Mikko"),
	N("Jukka"), N("Oskar"), N("Åke"), N("Jørgen"),
};
static const struct demo_name nordic_f[] = {
	N("Anna"), N("Ingrid"), N("Astrid"), N("Karin"), N("Freja"), N("Sigrid"),
	N("Maja"), N("Linnéa"), N("Kirsten"), N("Mette"), N("Aino"), N("Liisa"),
	N("Sanna"), N("Ida"), N("Solveig"), N("Åsa"),
};
static const struct demo_family nordic_fam[] = {
	F("Andersson"), F("Johansson"), F("Karlsson"), F("Nilsson"), F("Eriksson"),
	F("Larsson"), F("Lindqvist"), F("Lindström"), F("Bergström"), F("Sørensen"),
	F("Jensen"), F("Nielsen"), F("Hansen"), F("Pedersen"), F("Johansen"), F("Olsen"),
	F("Berg"), F("Haugen"), F("Virtanen"), F("Korhonen"), F("Mäkinen"),
	F("Nieminen"), F("Åberg"), F("Ødegaard"), F("Sjöberg"),
};

/* Polish */
static const struct demo_name pl_m[] = {
	N("Piotr"), N("Krzysztof"), N("Andrzej"), N("Tomasz"), N("Paweł"), N("Michał"),
	N("Marcin"), N("Jakub"), N("Łukasz"), N("Grzegorz"), N("Wojciech"), N("Mateusz"),
};
static const struct demo_name pl_f[] = {
	N("Anna"), N("Katarzyna"), N("Małgorzata"), N("Agnieszka"), N("Magdalena"),
	N("Joanna"), N("Zofia"), N("Aleksandra"), N("Ewa"), N("Barbara"), N("Dorota"),
	N("Bożena"),
};
static const struct demo_family pl_fam[] = {
	F("Nowak"), FG("Kowalski", "Kowalska"), FG("Wiśniewski", "Wiśniewska"),
	F("Wójcik"), F("Kowalczyk"), FG("Kamiński", "Kamińska"),
	FG("Lewandowski", "Lewandowska"), FG("Zieliński", "Zielińska"),
	FG("Szymański", "Szymańska"), F("Woźniak"), FG("Dąbrowski", "Dąbrowska"),
	FG("Kozłowski", "Kozłowska"), FG("Jankowski", "Jankowska"), F("Mazur"),
	F("Krawczyk"), FG("Grabowski", "Grabowska"), F("Pawlak"), F("Michalak"),
};

/* Turkish */
static const struct demo_name tr_m[] = {
	N("Mehmet"), N("Mustafa"), N("Ahmet"), N("Ali"), N("Hüseyin"), N("Hasan"),
	N("İbrahim"), N("Murat"), N("Emre"), N("Burak"), N("Yusuf"), N("Oğuz"),
};
static const struct demo_name tr_f[] = {
	N("Ayşe"), N("Fatma"), N("Emine"), N("Hatice"), N("Zeynep"), N("Elif"),
	N("Merve"), N("Özlem"), N("Büşra"), N("Şule"), N("Gül"), N("Derya"),
};
static const struct demo_family tr_fam[] = {
	F("Yılmaz"), F("Kaya"), F("Demir"), F("Şahin"), F("Çelik"), F("Yıldız"),
	F("Yıldırım"), F("Öztürk"), F("Aydın"), F("Özdemir"), F("Arslan"), F("Doğan"),
	F("Kılıç"), F("Aslan"), F("Çetin"), F("Koç"), F("Kurt"), F("Özkan"),
	F("Şimşek"), F("Erdem"),
};

/* Russian, in Cyrillic */
static const struct demo_name ru_m[] = {
	NL("Александр", "Aleksandr"), NL("Дмитрий", "Dmitry"), NL("Сергей", "Sergey"),
	NL("Андрей", "Andrey"), NL("Алексей", "Alexey"), NL("Иван", "Ivan"),
	NL("Михаил", "Mikhail"), NL("Николай", "Nikolay"), NL("Владимир", "Vladimir"),
	NL("Павел", "Pavel"), NL("Артём", "Artyom"), NL("Евгений", "Evgeny"),
};
static const struct demo_name ru_f[] = {
	NL("Анна", "Anna"), NL("Мария", "Maria"), NL("Елена", "Elena"),
	NL("Ольга", "Olga"), NL("Наталья", "Natalya"), NL("Татьяна", "Tatyana"),
	NL("Екатерина", "Ekaterina"), NL("Ирина", "Irina"), NL("Светлана", "Svetlana"),
	NL("Анастасия", "Anastasia"), NL("Дарья", "Darya"), NL("Юлия", "Yulia"),
};
static const struct demo_family ru_fam[] = {
	FGL("Иванов", "Ivanov", "Иванова", "Ivanova"),
	FGL("Смирнов", "Smirnov", "Смирнова", "Smirnova"),
	FGL("Кузнецов", "Kuznetsov", "Кузнецова", "Kuznetsova"),
	FGL("Попов", "Popov", "Попова", "Popova"),
	FGL("Васильев", "Vasilyev", "Васильева", "Vasilyeva"),
	FGL("Петров", "Petrov", "Петрова", "Petrova"),
	FGL("Соколов", "Sokolov", "Соколова", "Sokolova"),
	FGL("Михайлов", "Mikhailov", "Михайлова", "Mikhailova"),
	FGL("Новиков", "Novikov", "Новикова", "Novikova"),
	FGL("Фёдоров", "Fyodorov", "Фёдорова", "Fyodorova"),
	FGL("Морозов", "Morozov", "Морозова", "Morozova"),
	FGL("Волков", "Volkov", "Волкова", "Volkova"),
	FGL("Лебедев", "Lebedev", "Лебедева", "Lebedeva"),
	FGL("Семёнов", "Semyonov", "Семёнова", "Semyonova"),
	FGL("Егоров", "Egorov", "Егорова", "Egorova"),
	FGL("Павлов", "Pavlov", "Павлова", "Pavlova"),
	FGL("Козлов", "Kozlov", "Козлова", "Kozlova"),
	FGL("Орлов", "Orlov", "Орлова", "Orlova"),
	FGL("Никитин", "Nikitin", "Никитина", "Nikitina"),
	FGL("Соловьёв", "Solovyov", "Соловьёва", "Solovyova"),
};

/* Greek, in Greek script */
static const struct demo_name el_m[] = {
	NL("Γιώργος", "Giorgos"), NL("Κωνσταντίνος", "Konstantinos"),
	NL("Δημήτρης", "Dimitris"), NL("Νίκος", "Nikos"), NL("Γιάννης", "Giannis"),
	NL("Παναγιώτης", "Panagiotis"), NL("Χρήστος", "Christos"),
	NL("Βασίλης", "Vasilis"), NL("Αλέξανδρος", "Alexandros"),
	NL("Μιχάλης", "Michalis"),
};
static const struct demo_name el_f[] = {
	NL("Μαρία", "Maria"), NL("Ελένη", "Eleni"), NL("Αικατερίνη", "Aikaterini"),
	NL("Βασιλική", "Vasiliki"), NL("Σοφία", "Sofia"), NL("Αγγελική", "Angeliki"),
	NL("Δήμητρα", "Dimitra"), NL("Γεωργία", "Georgia"), NL("Ειρήνη", "Eirini"),
	NL("Χριστίνα", "Christina"),
};
static const struct demo_family el_fam[] = {
	FGL("Παπαδόπουλος", "Papadopoulos", "Παπαδοπούλου", "Papadopoulou"),
	FGL("Παπαδάκης", "Papadakis", "Παπαδάκη", "Papadaki"),
	FL("Γεωργίου", "Georgiou"), FL("Οικονόμου", "Oikonomou"),
	FGL("Νικολαΐδης", "Nikolaidis", "Νικολαΐδου", "Nikolaidou"),
	FL("Παπανικολάου", "Papanikolaou"), FL("Βασιλείου", "Vasileiou"),
	FL("Δημητρίου", "Dimitriou"), FL("Ιωάννου", "Ioannou"),
	FGL("Καραγιάννης", "Karagiannis", "Καραγιάννη", "Karagianni"),
	FL("Αντωνίου", "Antoniou"), FGL("Μακρής", "Makris", "Μακρή", "Makri"),
	FL("Αλεξίου", "Alexiou"),
	FGL("Κωνσταντινίδης", "Konstantinidis", "Κωνσταντινίδου", "Konstantinidou"),
};

/* Chinese (simplified Han characters) */
static const struct demo_name zh_m[] = {
	NL("伟", "Wei"), NL("强", "Qiang"), NL("磊", "Lei"), NL("军", "Jun"),
	NL("勇", "Yong"), NL("杰", "Jie"), NL("涛", "Tao"), NL("明", "Ming"),
	NL("超", "Chao"), NL("浩然", "Haoran"), NL("子轩", "Zixuan"),
	NL("志强", "Zhiqiang"),
};
static const struct demo_name zh_f[] = {
	NL("芳", "Fang"), NL("娜", "Na"), NL("敏", "Min"), NL("静", "Jing"),
	NL("丽", "Li"), NL("秀英", "Xiuying"), NL("婷", "Ting"), NL("雪", "Xue"),
	NL("欣怡", "Xinyi"), NL("梓涵", "Zihan"), NL("丽娟", "Lijuan"),
	NL("晓燕", "Xiaoyan"),
};
static const struct demo_family zh_fam[] = {
	FL("王", "Wang"), FL("李", "Li"), FL("张", "Zhang"), FL("刘", "Liu"),
	FL("陈", "Chen"), FL("杨", "Yang"), FL("黄", "Huang"), FL("赵", "Zhao"),
	FL("吴", "Wu"), FL("周", "Zhou"), FL("徐", "Xu"), FL("孙", "Sun"),
	FL("马", "Ma"), FL("朱", "Zhu"), FL("胡", "Hu"), FL("郭", "Guo"),
	FL("何", "He"), FL("林", "Lin"), FL("高", "Gao"), FL("罗", "Luo"),
};

/* Japanese (kanji, some kana) */
static const struct demo_name ja_m[] = {
	NL("健", "Ken"), NL("翔太", "Shota"), NL("大輔", "Daisuke"), NL("拓也", "Takuya"),
	NL("蓮", "Ren"), NL("悠真", "Yuma"), NL("和也", "Kazuya"), NL("直樹", "Naoki"),
	NL("浩", "Hiroshi"), NL("誠", "Makoto"), NL("陽翔", "Haruto"),
	NL("隆", "Takashi"),
};
static const struct demo_name ja_f[] = {
	NL("陽子", "Yoko"), NL("美咲", "Misaki"), NL("さくら", "Sakura"),
	NL("由美", "Yumi"), NL("恵子", "Keiko"), NL("愛", "Ai"), NL("結衣", "Yui"),
	NL("花子", "Hanako"), NL("真由美", "Mayumi"), NL("明美", "Akemi"),
	NL("陽菜", "Hina"), NL("葵", "Aoi"),
};
static const struct demo_family ja_fam[] = {
	FL("佐藤", "Sato"), FL("鈴木", "Suzuki"), FL("高橋", "Takahashi"),
	FL("田中", "Tanaka"), FL("伊藤", "Ito"), FL("渡辺", "Watanabe"),
	FL("山本", "Yamamoto"), FL("中村", "Nakamura"), FL("小林", "Kobayashi"),
	FL("加藤", "Kato"), FL("吉田", "Yoshida"), FL("山田", "Yamada"),
	FL("佐々木", "Sasaki"), FL("山口", "Yamaguchi"), FL("松本", "Matsumoto"),
	FL("井上", "Inoue"),
};

/* Korean, in Hangul */
static const struct demo_name ko_m[] = {
	NL("민준", "Minjun"), NL("서준", "Seojun"), NL("도윤", "Doyun"),
	NL("지훈", "Jihoon"), NL("현우", "Hyunwoo"), NL("준호", "Junho"),
	NL("성민", "Sungmin"), NL("영호", "Youngho"), NL("동현", "Donghyun"),
	NL("재원", "Jaewon"),
};
static const struct demo_name ko_f[] = {
	NL("서연", "Seoyeon"), NL("지우", "Jiwoo"), NL("민서", "Minseo"),
	NL("수빈", "Subin"), NL("지민", "Jimin"), NL("은지", "Eunji"),
	NL("혜진", "Hyejin"), NL("수진", "Sujin"), NL("영희", "Younghee"),
	NL("하은", "Haeun"),
};
static const struct demo_family ko_fam[] = {
	FL("김", "Kim"), FL("이", "Lee"), FL("박", "Park"), FL("최", "Choi"),
	FL("정", "Jung"), FL("강", "Kang"), FL("조", "Cho"), FL("윤", "Yoon"),
	FL("장", "Jang"), FL("임", "Lim"), FL("한", "Han"), FL("오", "Oh"),
	FL("서", "Seo"), FL("신", "Shin"),
};

/* Arabic, in Arabic script */
static const struct demo_name ar_m[] = {
	NL("محمد", "Mohammed"), NL("أحمد", "Ahmed"), NL("علي", "Ali"),
	NL("عمر", "Omar"), NL("يوسف", "Youssef"), NL("خالد", "Khaled"),
	NL("إبراهيم", "Ibrahim"), NL("حسن", "Hassan"), NL("عبدالله", "Abdullah"),
	NL("طارق", "Tariq"), NL("سعيد", "Saeed"), NL("كريم", "Karim"),
};
static const struct demo_name ar_f[] = {
	NL("فاطمة", "Fatima"), NL("مريم", "Maryam"), NL("عائشة", "Aisha"),
	NL("نور", "Nour"), NL("سارة", "Sara"), NL("ليلى", "Layla"), NL("هدى", "Huda"),
	NL("زينب", "Zainab"), NL("ياسمين", "Yasmin"), NL("رنا", "Rana"),
	NL("سلمى", "Salma"), NL("أمل", "Amal"),
};
static const struct demo_family ar_fam[] = {
	FL("الحسن", "Al-Hassan"), FL("المنصور", "Al-Mansour"), FL("العلي", "Al-Ali"),
	FL("الخطيب", "Al-Khatib"), FL("حداد", "Haddad"), FL("الشامي", "Al-Shami"),
	FL("النجار", "Al-Najjar"), FL("السيد", "El-Sayed"),
	FL("عبد الرحمن", "Abdelrahman"), FL("الهاشمي", "Al-Hashimi"),
	FL("القاسم", "Al-Qasim"), FL("منصور", "Mansour"), FL("خليل", "Khalil"),
	FL("سليمان", "Suleiman"), FL("الزعبي", "Al-Zoubi"), FL("العمري", "Al-Omari"),
};

/* Indian (written in Latin script, as on Indian passports) */
static const struct demo_name in_m[] = {
	N("Rahul"), N("Amit"), N("Arjun"), N("Vikram"), N("Rohan"), N("Sanjay"),
	N("Rajesh"), N("Anil"), N("Suresh"), N("Karthik"), N("Aditya"), N("Vivek"),
	N("Pranav"), N("Ravi"), N("Arun"),
};
static const struct demo_name in_f[] = {
	N("Priya"), N("Ananya"), N("Divya"), N("Kavya"), N("Lakshmi"), N("Meera"),
	N("Pooja"), N("Neha"), N("Sneha"), N("Anjali"), N("Deepa"), N("Shreya"),
	N("Aishwarya"), N("Sunita"),
};
static const struct demo_family in_fam[] = {
	F("Sharma"), F("Patel"), F("Singh"), F("Kumar"), F("Gupta"), F("Reddy"),
	F("Iyer"), F("Nair"), F("Raman"), F("Krishnan"), F("Rao"), F("Mehta"),
	F("Shah"), F("Joshi"), F("Desai"), F("Menon"), F("Pillai"), F("Chatterjee"),
	F("Banerjee"), F("Mukherjee"), F("Agarwal"), F("Verma"), F("Kapoor"),
	F("Subramanian"),
};

/* Nigerian (Igbo, Yoruba, Hausa) */
static const struct demo_name ng_m[] = {
	N("Chinedu"), N("Emeka"), N("Oluwaseun"), N("Tunde"), N("Ifeanyi"),
	N("Chukwuemeka"), N("Babatunde"), N("Adebayo"), N("Musa"), N("Obinna"),
	N("Kelechi"), N("Segun"),
};
static const struct demo_name ng_f[] = {
	N("Ngozi"), N("Chiamaka"), N("Adaeze"), N("Funmilayo"), N("Folake"),
	N("Amara"), N("Nneka"), N("Yetunde"), N("Blessing"), N("Temitope"),
	N("Ifeoma"), N("Hauwa"),
};
static const struct demo_family ng_fam[] = {
	F("Okafor"), F("Okonkwo"), F("Adeyemi"), F("Okoro"), F("Eze"), F("Nwosu"),
	F("Adebayo"), F("Ogunleye"), F("Bello"), F("Abubakar"), F("Ibrahim"),
	F("Chukwu"), F("Obi"), F("Olawale"), F("Balogun"), F("Okeke"),
	F("Nwachukwu"), F("Afolabi"),
};

#define CULTURE(tag, ff, two, p) \
	{ tag, ff, two, p##_m, p##_f, LEN(p##_m), LEN(p##_f), p##_fam, LEN(p##_fam) }

const struct demo_culture demo_cultures[DEMO_CULTURE_COUNT] = {
	[DEMO_EN] = CULTURE("en", 0, 0, en),
	[DEMO_ES] = CULTURE("es", 0, 1, es),
	[DEMO_PT] = CULTURE("pt", 0, 1, pt),
	[DEMO_DE] = CULTURE("de", 0, 0, de),
	[DEMO_FR] = CULTURE("fr", 0, 0, fr),
	[DEMO_IT] = CULTURE("it", 0, 0, it),
	[DEMO_NORDIC] = CULTURE("nordic", 0, 0, nordic),
	[DEMO_PL] = CULTURE("pl", 0, 0, pl),
	[DEMO_TR] = CULTURE("tr", 0, 0, tr),
	[DEMO_RU] = CULTURE("ru", 0, 0, ru),
	[DEMO_EL] = CULTURE("el", 0, 0, el),
	[DEMO_ZH] = CULTURE("zh", 1, 0, zh),
	[DEMO_JA] = CULTURE("ja", 1, 0, ja),
	[DEMO_KO] = CULTURE("ko", 1, 0, ko),
	[DEMO_AR] = CULTURE("ar", 0, 0, ar),
	[DEMO_IN] = CULTURE("in", 0, 0, in),
	[DEMO_NG] = CULTURE("ng", 0, 0, ng),
};

const char *demo_names_latin(const struct demo_name *n)
{
	return n->latin ? n->latin : n->native;
}

/* ASCII for U+00C0..U+00FF, lower-cased. */
static const char *const fold_latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* ASCII for runs of Latin Extended-A (U+0100..U+017F). */
static const struct {
	uint16_t first, last;
	const char *ascii;
} fold_ext_a[] = {
	{ 0x100, 0x105, "a" }, { 0x106, 0x10d, "c" }, { 0x10e, 0x111, "d" },
	{ 0x112, 0x11b, "e" }, { 0x11c, 0x123, "g" }, { 0x124, 0x127, "h" },
	{ 0x128, 0x131, "i" }, { 0x132, 0x133, "ij" }, { 0x134, 0x135, "j" },
	{ 0x136, 0x138, "k" }, { 0x139, 0x142, "l" }, { 0x143, 0x14b, "n" },
	{ 0x14c, 0x151, "o" }, { 0x152, 0x153, "oe" }, { 0x154, 0x159, "r" },
	{ 0x15a, 0x161, "s" }, { 0x162, 0x167, "t" }, { 0x168, 0x173, "u" },
	{ 0x174, 0x175, "w" }, { 0x176, 0x178, "y" }, { 0x179, 0x17e, "z" },
	{ 0x17f, 0x17f, "s" },
};

static const char *fold(uint32_t cp)
{
	if (cp >= 0xc0 && cp <= 0xff)
		return fold_latin1[cp - 0xc0];
	for (size_t i = 0; i < LEN(fold_ext_a); i++)
		if (cp >= fold_ext_a[i].first && cp <= fold_ext_a[i].last)
			return fold_ext_a[i].ascii;
	return "";
}

size_t demo_names_handle(const char *latin, char *out, size_t size)
{
	size_t len = strlen(out);
	const unsigned char *s = (const unsigned char *)latin;

	while (*s) {
		uint32_t cp = *s;
		const char *add;
		char one[2] = { 0, 0 };

		if (cp < 0x80) {
			s++;
			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
			if (!((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
				continue;
			one[0] = (char)cp;
			add = one;
		} else if ((cp & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
			cp = ((cp & 0x1f) << 6) | (s[1] & 0x3fu);
			s += 2;
			add = fold(cp);
		} else {
			/* Not a two-byte Latin letter: skip the whole sequence. */
			s++;
			while ((*s & 0xc0) == 0x80)
				s++;
			continue;
		}
		for (; *add && len + 1 < size; add++)
			out[len++] = *add;
	}
	if (size)
		out[len < size ? len : size - 1] = '\0';
	return len;
}
