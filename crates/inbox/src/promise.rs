//! The sender's promise in German, French and Spanish ("wir melden uns bis
//! Freitag bei Ihnen", "vous aurez de nos nouvelles la semaine prochaine",
//! "le responderemos antes del viernes"), read like the English one: a
//! promise wording and, in the same sentence, a time; the text runs from the
//! wording to the end of the sentence.
//!
//! The rules work on words, not bytes: the body is cut into tokens (the date
//! parser's), and each word is compared folded, without accents and with
//! German `ae`/`oe`/`ue`/`ß` spellings made equal to the umlauts, so
//! "nächste", "naechste" and "nachste", or "próxima" and "proxima", are one
//! word. Apostrophes may be straight or curly.
//!
//! What the three languages need beyond the English rule:
//!
//! - German puts the verb second: "Bis Freitag melden wir uns", "Eine
//!   Rückmeldung erhalten Sie bis Ende der Woche". Inverted wordings and the
//!   noun "Rückmeldung" start the promise at the start of their clause, and a
//!   time that opens the sentence (or a clause) before the wording counts
//!   too, in every language ("D'ici vendredi, nous reviendrons vers vous").
//! - Wordings whose subject is the seeker ("Sie hören", "vous aurez",
//!   "tendrá noticias") or a noun are not read in a sentence that asks
//!   something of the seeker ("Bitte geben Sie uns bis Freitag
//!   Rückmeldung", "Wir freuen uns auf Ihre Rückmeldung bis Freitag").
//! - A date counts when it is ahead: "l'entretien de lundi", "el viernes
//!   pasado", "seit Montag" and office hours ("Montag bis Freitag", "du lundi
//!   au vendredi", "de lunes a viernes") are not promises; "bis 17 Uhr" is a
//!   clock time, not the 17th.
//! - "Ich melde mich bezüglich des Termins am Freitag" is about Friday, not a
//!   promise for it: a subordinate or topic word between the wording and the
//!   time ("bezüglich", "dass", "concernant", "que", "sobre", …), or a
//!   negation, undoes it.
//! - Vague times ("bald", "in Kürze", "dans les meilleurs délais", "a la
//!   mayor brevedad") are not times, as "soon" is not in English.
//!
//! The text is cut before a purpose that follows the time (", um … zu",
//! "pour …", "para …"), as the English rule cuts "to …", and before a
//! closing formula when the sentence has no full stop before it.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::dates::{Tok, month_named, parse_date, tokens, weekday_named};
use crate::text::{Folded, is_abbreviation_dot, sanitize};

type Token = (Tok, usize, usize);

/// How far a sentence is read either way of a wording, in tokens.
const REACH: usize = 250;
/// How far back the clause of an inverted wording may start, in tokens.
const LEAD: usize = 12;
/// How far after its wording a time may be, in tokens ("Wir werden Ihre
/// Unterlagen sorgfältig prüfen und uns innerhalb von zwei Wochen ..." is 10).
const GAP: usize = 25;

/// Who promises, and where the quoted promise starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The sender as subject, in the usual order ("wir melden uns", "nous
    /// reviendrons", "le responderemos"): the promise starts at the wording.
    Sender,
    /// German verb-second order ("melden wir uns"): something stands before
    /// the verb ("Bis Freitag", "Selbstverständlich"), so the promise starts
    /// with its clause.
    Inverted,
    /// Starts at the wording, and a request in the sentence undoes it: the
    /// seeker as subject ("Sie hören", "vous aurez", "tendrá noticias") and
    /// hopes ("wir hoffen": "Wir hoffen, bis Freitag von Ihnen zu hören" is
    /// a request).
    Guarded,
    /// Starts with its clause, and a request undoes it: the seeker as an
    /// inverted subject ("erhalten Sie"), a third person of the sender's
    /// side ("Frau Krüger meldet sich", "Mme Martin vous recontactera",
    /// "nuestro equipo se pondrá en contacto") and the noun "Rückmeldung".
    GuardedInverted,
}

impl Kind {
    const fn starts_with_clause(self) -> bool {
        matches!(self, Kind::Inverted | Kind::GuardedInverted)
    }

    const fn guarded(self) -> bool {
        matches!(self, Kind::Guarded | Kind::GuardedInverted)
    }
}

// ------------------------------------------------------------------ wordings

/// News the seeker can be promised, for wordings that need one ("Sie
/// erhalten eine Rückmeldung", "vous recevrez une réponse", "recibirá una
/// respuesta").
const DE_NEWS: &[&str] = &[
    "rückmeldung",
    "antwort",
    "nachricht",
    "nachrichten",
    "bescheid",
    "entscheidung",
    "feedback",
    "zusage",
    "absage",
    "neuigkeiten",
    "informationen",
    "infos",
    "ergebnis",
    "hören",
    "informiert",
    "kontaktiert",
    "benachrichtigt",
    "angerufen",
    "erhalten",
    "bekommen",
];
const DE_HEAR: &[&str] = &["von uns", "von mir", "von ihr", "von ihm"];
const DE_BACK: &[&str] = &["zurück"];
const DE_CALL: &[&str] = &["melden", "bei ihnen", "bei dir"];
const FR_NEWS: &[&str] = &[
    "nouvelles",
    "nouvelle",
    "réponse",
    "retour",
    "décision",
    "feedback",
    "appel",
    "proposition",
    "résultat",
    "informé",
    "informée",
    "informés",
    "informées",
    "recontacté",
    "recontactée",
    "recontactés",
    "contacté",
    "contactée",
    "contactés",
    "fixé",
    "fixée",
    "fixés",
    "avisé",
    "avisée",
    "prévenu",
    "prévenue",
];
const FR_TOWARDS: &[&str] = &["vers"];
const ES_NEWS: &[&str] = &[
    "noticias",
    "respuesta",
    "novedades",
    "decisión",
    "comentarios",
    "llamada",
    "resultado",
    "propuesta",
];

/// Wordings, lower case (accents optional in the text), with their kind and
/// the words one of which must follow in the sentence (empty: none).
const MARKERS: &[(&str, Kind, &[&str])] = &[
    // German: the sender.
    ("wir melden uns", Kind::Sender, &[]),
    ("ich melde mich", Kind::Sender, &[]),
    ("wir werden", Kind::Sender, &[]),
    ("ich werde", Kind::Sender, &[]),
    ("wir geben ihnen", Kind::Sender, &[]),
    ("ich gebe ihnen", Kind::Sender, &[]),
    ("wir geben dir", Kind::Sender, &[]),
    ("ich gebe dir", Kind::Sender, &[]),
    ("wir rufen sie", Kind::Sender, &[]),
    ("ich rufe sie", Kind::Sender, &[]),
    ("wir rufen dich", Kind::Sender, &[]),
    ("ich rufe dich", Kind::Sender, &[]),
    ("wir informieren sie", Kind::Sender, &[]),
    ("ich informiere sie", Kind::Sender, &[]),
    ("wir kontaktieren sie", Kind::Sender, &[]),
    ("ich kontaktiere sie", Kind::Sender, &[]),
    ("wir schreiben ihnen", Kind::Sender, &[]),
    ("ich schreibe ihnen", Kind::Sender, &[]),
    ("wir schreiben dir", Kind::Sender, &[]),
    ("ich schreibe dir", Kind::Sender, &[]),
    ("wir teilen ihnen", Kind::Sender, &[]),
    ("ich teile ihnen", Kind::Sender, &[]),
    ("wir können ihnen", Kind::Sender, &[]),
    ("ich kann ihnen", Kind::Sender, &[]),
    ("wir können dir", Kind::Sender, &[]),
    ("ich kann dir", Kind::Sender, &[]),
    ("wir kommen", Kind::Sender, DE_BACK),
    ("ich komme", Kind::Sender, DE_BACK),
    ("wir hoffen", Kind::Guarded, &[]),
    ("ich hoffe", Kind::Guarded, &[]),
    ("wir planen", Kind::Sender, &[]),
    ("ich plane", Kind::Sender, &[]),
    ("wir sollten", Kind::Sender, DE_NEWS),
    ("ich sollte", Kind::Sender, DE_NEWS),
    // German: verb second.
    ("melden wir uns", Kind::Inverted, &[]),
    ("melde ich mich", Kind::Inverted, &[]),
    ("werden wir", Kind::Inverted, &[]),
    ("werde ich", Kind::Inverted, &[]),
    ("geben wir ihnen", Kind::Inverted, &[]),
    ("gebe ich ihnen", Kind::Inverted, &[]),
    ("geben wir dir", Kind::Inverted, &[]),
    ("gebe ich dir", Kind::Inverted, &[]),
    ("rufen wir sie", Kind::Inverted, &[]),
    ("rufe ich sie", Kind::Inverted, &[]),
    ("informieren wir sie", Kind::Inverted, &[]),
    ("informiere ich sie", Kind::Inverted, &[]),
    ("kontaktieren wir sie", Kind::Inverted, &[]),
    ("schreiben wir ihnen", Kind::Inverted, &[]),
    ("schreibe ich ihnen", Kind::Inverted, &[]),
    ("teilen wir ihnen", Kind::Inverted, &[]),
    ("teile ich ihnen", Kind::Inverted, &[]),
    ("können wir ihnen", Kind::Inverted, &[]),
    ("kann ich ihnen", Kind::Inverted, &[]),
    ("kommen wir", Kind::Inverted, DE_BACK),
    ("komme ich", Kind::Inverted, DE_BACK),
    ("hoffen wir", Kind::GuardedInverted, &[]),
    ("hoffe ich", Kind::GuardedInverted, &[]),
    // German: someone of the sender's side.
    ("meldet sich", Kind::GuardedInverted, &[]),
    ("melden sich", Kind::GuardedInverted, &[]),
    ("wird sich", Kind::GuardedInverted, DE_CALL),
    ("werden sich", Kind::GuardedInverted, DE_CALL),
    // German: the seeker.
    ("sie hören", Kind::Guarded, DE_HEAR),
    ("du hörst", Kind::Guarded, DE_HEAR),
    ("sie erhalten", Kind::Guarded, DE_NEWS),
    ("du erhältst", Kind::Guarded, DE_NEWS),
    ("sie bekommen", Kind::Guarded, DE_NEWS),
    ("du bekommst", Kind::Guarded, DE_NEWS),
    ("sie werden", Kind::Guarded, DE_NEWS),
    ("du wirst", Kind::Guarded, DE_NEWS),
    ("hören sie", Kind::GuardedInverted, DE_HEAR),
    ("hörst du", Kind::GuardedInverted, DE_HEAR),
    ("erhalten sie", Kind::GuardedInverted, DE_NEWS),
    ("erhältst du", Kind::GuardedInverted, DE_NEWS),
    ("bekommen sie", Kind::GuardedInverted, DE_NEWS),
    ("bekommst du", Kind::GuardedInverted, DE_NEWS),
    ("werden sie", Kind::GuardedInverted, DE_NEWS),
    ("wirst du", Kind::GuardedInverted, DE_NEWS),
    ("rückmeldung", Kind::GuardedInverted, &[]),
    // French: the sender (the verbs with "vous"/"te" are in FR_VERBS).
    ("nous reviendrons", Kind::Sender, FR_TOWARDS),
    ("je reviendrai", Kind::Sender, FR_TOWARDS),
    ("on reviendra", Kind::Sender, FR_TOWARDS),
    ("nous revenons", Kind::Sender, FR_TOWARDS),
    ("je reviens", Kind::Sender, FR_TOWARDS),
    ("on revient", Kind::Sender, FR_TOWARDS),
    ("nous prendrons contact", Kind::Sender, &[]),
    ("je prendrai contact", Kind::Sender, &[]),
    ("nous reprendrons contact", Kind::Sender, &[]),
    ("je reprendrai contact", Kind::Sender, &[]),
    ("nous aurons", Kind::Sender, FR_NEWS),
    ("j'aurai", Kind::Sender, FR_NEWS),
    ("nous serons en mesure", Kind::Sender, &[]),
    ("je serai en mesure", Kind::Sender, &[]),
    ("nous espérons pouvoir", Kind::Guarded, &[]),
    ("j'espère pouvoir", Kind::Guarded, &[]),
    ("nous espérons avoir", Kind::Guarded, FR_NEWS),
    ("j'espère avoir", Kind::Guarded, FR_NEWS),
    ("nous espérons revenir", Kind::Guarded, &[]),
    ("j'espère revenir", Kind::Guarded, &[]),
    ("nous espérons vous donner", Kind::Guarded, &[]),
    ("j'espère vous donner", Kind::Guarded, &[]),
    ("nous prévoyons de", Kind::Sender, &[]),
    ("je prévois de", Kind::Sender, &[]),
    ("nous comptons revenir", Kind::Sender, &[]),
    ("je compte revenir", Kind::Sender, &[]),
    ("nous comptons vous", Kind::Sender, &[]),
    ("je compte vous", Kind::Sender, &[]),
    ("nous devrions", Kind::Sender, FR_NEWS),
    ("je devrais", Kind::Sender, FR_NEWS),
    ("nous allons", Kind::Sender, &[]),
    ("je vais", Kind::Sender, &[]),
    ("nous vous recontactons", Kind::Sender, &[]),
    ("je vous recontacte", Kind::Sender, &[]),
    ("on vous recontacte", Kind::Sender, &[]),
    ("nous vous tenons", Kind::Sender, &[]),
    ("je vous tiens", Kind::Sender, &[]),
    ("on vous tient", Kind::Sender, &[]),
    ("je vous fais signe", Kind::Sender, &[]),
    ("nous vous faisons signe", Kind::Sender, &[]),
    ("je vous fais un retour", Kind::Sender, &[]),
    ("nous vous faisons un retour", Kind::Sender, &[]),
    // French: someone of the sender's side.
    ("reviendra", Kind::GuardedInverted, FR_TOWARDS),
    ("prendra contact", Kind::GuardedInverted, &[]),
    // French: the seeker.
    ("vous aurez", Kind::Guarded, FR_NEWS),
    ("tu auras", Kind::Guarded, FR_NEWS),
    ("vous recevrez", Kind::Guarded, FR_NEWS),
    ("tu recevras", Kind::Guarded, FR_NEWS),
    ("vous serez", Kind::Guarded, FR_NEWS),
    ("tu seras", Kind::Guarded, FR_NEWS),
    ("vous allez recevoir", Kind::Guarded, FR_NEWS),
    ("vous allez avoir", Kind::Guarded, FR_NEWS),
    ("vous devriez recevoir", Kind::Guarded, FR_NEWS),
    ("vous devriez avoir", Kind::Guarded, FR_NEWS),
    // Spanish: the sender (the verbs with "le"/"te" are in ES_VERBS).
    ("nos pondremos en contacto", Kind::Sender, &[]),
    ("me pondré en contacto", Kind::Sender, &[]),
    ("nos comunicaremos", Kind::Sender, &[]),
    ("me comunicaré", Kind::Sender, &[]),
    ("nos volveremos a poner", Kind::Sender, &[]),
    ("volveremos a", Kind::Sender, &[]),
    ("volveré a", Kind::Sender, &[]),
    ("contactaremos", Kind::Sender, &[]),
    ("contactaré", Kind::Sender, &[]),
    ("tendremos", Kind::Sender, ES_NEWS),
    ("tendré", Kind::Sender, ES_NEWS),
    ("esperamos poder", Kind::Guarded, &[]),
    ("espero poder", Kind::Guarded, &[]),
    ("esperamos tener", Kind::Guarded, ES_NEWS),
    ("espero tener", Kind::Guarded, ES_NEWS),
    ("esperamos darle", Kind::Guarded, &[]),
    ("espero darle", Kind::Guarded, &[]),
    ("esperamos darte", Kind::Guarded, &[]),
    ("espero darte", Kind::Guarded, &[]),
    ("estaremos en condiciones", Kind::Sender, &[]),
    ("estaré en condiciones", Kind::Sender, &[]),
    ("podremos", Kind::Sender, &[]),
    ("podré", Kind::Sender, &[]),
    ("deberíamos", Kind::Sender, ES_NEWS),
    ("le vamos a", Kind::Sender, &[]),
    ("te vamos a", Kind::Sender, &[]),
    ("le voy a", Kind::Sender, &[]),
    ("te voy a", Kind::Sender, &[]),
    ("vamos a", Kind::Sender, &[]),
    ("voy a", Kind::Sender, &[]),
    // Spanish: someone of the sender's side.
    ("se pondrá en contacto", Kind::GuardedInverted, &[]),
    ("se pondrán en contacto", Kind::GuardedInverted, &[]),
    ("se comunicará", Kind::GuardedInverted, &[]),
    ("volverá a", Kind::GuardedInverted, &[]),
    // Spanish: the seeker.
    ("tendrá noticias", Kind::Guarded, &[]),
    ("tendrás noticias", Kind::Guarded, &[]),
    ("tendrá una respuesta", Kind::Guarded, &[]),
    ("tendrás una respuesta", Kind::Guarded, &[]),
    ("tendrá respuesta", Kind::Guarded, &[]),
    ("tendrás respuesta", Kind::Guarded, &[]),
    ("recibirá", Kind::Guarded, ES_NEWS),
    ("recibirás", Kind::Guarded, ES_NEWS),
    ("sabrá de nosotros", Kind::Guarded, &[]),
    ("sabrás de nosotros", Kind::Guarded, &[]),
    ("será informado", Kind::Guarded, &[]),
    ("será informada", Kind::Guarded, &[]),
    ("será contactado", Kind::Guarded, &[]),
    ("será contactada", Kind::Guarded, &[]),
    ("serás informado", Kind::Guarded, &[]),
    ("serás informada", Kind::Guarded, &[]),
    ("serás contactado", Kind::Guarded, &[]),
    ("serás contactada", Kind::Guarded, &[]),
];

/// French verbs of a promise made to "vous"/"te": (nous, je, il/on) future.
const FR_VERBS: &[(&str, &str, &str)] = &[
    ("recontacterons", "recontacterai", "recontactera"),
    ("contacterons", "contacterai", "contactera"),
    ("tiendrons", "tiendrai", "tiendra"),
    ("répondrons", "répondrai", "répondra"),
    ("donnerons", "donnerai", "donnera"),
    ("ferons", "ferai", "fera"),
    ("enverrons", "enverrai", "enverra"),
    ("communiquerons", "communiquerai", "communiquera"),
    ("informerons", "informerai", "informera"),
    ("appellerons", "appellerai", "appellera"),
    ("rappellerons", "rappellerai", "rappellera"),
    ("écrirons", "écrirai", "écrira"),
    ("transmettrons", "transmettrai", "transmettra"),
    ("confirmerons", "confirmerai", "confirmera"),
    ("proposerons", "proposerai", "proposera"),
    ("dirons", "dirai", "dira"),
];

/// Spanish verbs of a promise made to "le"/"te"/"les": (nosotros, yo,
/// él/ella/usted) future.
const ES_VERBS: &[(&str, &str, &str)] = &[
    ("responderemos", "responderé", "responderá"),
    ("contestaremos", "contestaré", "contestará"),
    ("escribiremos", "escribiré", "escribirá"),
    ("llamaremos", "llamaré", "llamará"),
    ("informaremos", "informaré", "informará"),
    ("avisaremos", "avisaré", "avisará"),
    ("daremos", "daré", "dará"),
    ("enviaremos", "enviaré", "enviará"),
    ("comunicaremos", "comunicaré", "comunicará"),
    ("confirmaremos", "confirmaré", "confirmará"),
    ("diremos", "diré", "dirá"),
    ("haremos", "haré", "hará"),
    ("mandaremos", "mandaré", "mandará"),
    ("contactaremos", "contactaré", "contactará"),
    ("propondremos", "propondré", "propondrá"),
];

/// Words that ask something of the seeker; a guarded wording in the same
/// sentence is not a promise.
const REQUESTS: &[&str] = &[
    // German.
    "bitte",
    "bitten",
    "gebeten",
    "ihre rückmeldung",
    "ihrer rückmeldung",
    "deine rückmeldung",
    "ihre antwort",
    "ihrer antwort",
    "ihre entscheidung",
    "freuen uns auf",
    "freue mich auf",
    "sie uns",
    "du uns",
    "von ihnen",
    "von dir",
    "können sie",
    "könnten sie",
    "würden sie",
    "wären sie",
    "geben sie",
    "senden sie",
    "schicken sie",
    "teilen sie",
    "lassen sie",
    // French.
    "merci de",
    "veuillez",
    "pourriez",
    "pouvez",
    "votre retour",
    "votre réponse",
    "votre décision",
    "ton retour",
    "vous nous",
    "nous attendons",
    "n'hésitez",
    // Spanish.
    "por favor",
    "le agradeceríamos",
    "le agradecería",
    "te agradeceríamos",
    "te agradecería",
    "le rogamos",
    "podría",
    "podrías",
    "su respuesta",
    "tu respuesta",
    "su confirmación",
    "nos confirme",
    "nos envíe",
    "nos indique",
];

/// Words of an absence: "Ich werde nächste Woche im Urlaub sein" and "Je
/// vais être absente lundi" say when the writer is away, not what they
/// promise (out-of-office replies were read before; this is for replies).
const ABSENCES: &[&str] = &[
    "abwesend",
    "urlaub",
    "nicht im büro",
    "nicht erreichbar",
    "absent",
    "absente",
    "en congé",
    "en congés",
    "en vacances",
    "pas disponible",
    "indisponible",
    "ausente",
    "de vacaciones",
    "fuera de la oficina",
    "no estaré disponible",
];

/// Words that, between the wording and the time, make the time about
/// something else (a topic, a subordinate clause) or deny it.
const BREAKERS: &[&str] = &[
    "nicht",
    "kein",
    "keine",
    "keinen",
    "keiner",
    "nie",
    "niemals",
    "wegen",
    "bezüglich",
    "bzgl",
    "betreffend",
    "betreffs",
    "hinsichtlich",
    "bezugnehmend",
    "über",
    "dass",
    "daß",
    "ob",
    "weil",
    "nachdem",
    "sobald",
    "wenn",
    "falls",
    "seit",
    "pas",
    "jamais",
    "ne",
    "concernant",
    "suite",
    "sujet",
    "propos",
    "que",
    "qu",
    "car",
    "parce",
    "quand",
    "lorsque",
    "si",
    "depuis",
    "puisque",
    "no",
    "nunca",
    "sobre",
    "acerca",
    "respecto",
    "relación",
    "porque",
    "cuando",
    "desde",
    "tras",
];

/// Negations just before a wording ("no le responderemos").
const NEGATIONS: &[&str] = &["no", "nunca", "jamás", "ne", "n", "nicht", "nie"];

/// Words that may open a clause before its time ("Spätestens bis Freitag",
/// "Et d'ici vendredi", "Sin falta, la próxima semana") or sit between a
/// leading time and the wording.
const FILLERS: &[&str] = &[
    "spätestens",
    "voraussichtlich",
    "hoffentlich",
    "wahrscheinlich",
    "vermutlich",
    "aber",
    "und",
    "also",
    "dann",
    "doch",
    "jedoch",
    "allerdings",
    "sicher",
    "sicherlich",
    "bereits",
    "schon",
    "jedenfalls",
    "selbstverständlich",
    "natürlich",
    "auf",
    "jeden",
    "fall",
    "bestimmt",
    "erst",
    "gerne",
    "gern",
    "normalement",
    "probablement",
    "certainement",
    "sûrement",
    "sans",
    "doute",
    "faute",
    "et",
    "mais",
    "donc",
    "alors",
    "en",
    "principe",
    "tout",
    "cas",
    "bien",
    "sûr",
    "y",
    "pero",
    "probablemente",
    "seguramente",
    "previsiblemente",
    "normalmente",
    "principio",
    "todo",
    "caso",
    "sin",
    "falta",
    "duda",
    "por",
    "supuesto",
    "así",
    "que",
    "ya",
    "entonces",
    "pues",
];

// --------------------------------------------------------------------- times

/// Time expressions. `#` is a number (digits or a number word), `%` a month
/// name. Dates ("Freitag", "vendredi 22 janvier", "el 15 de enero") are read
/// by the date parser, not listed.
const TIMES: &[&str] = &[
    // German.
    "nächste woche",
    "nächster woche",
    "nächsten woche",
    "kommende woche",
    "kommender woche",
    "kommenden woche",
    "diese woche",
    "dieser woche",
    "laufe der woche",
    "laufe des tages",
    "ende der woche",
    "ende dieser woche",
    "ende des monats",
    "ende dieses monats",
    "monatsende",
    "zum wochenende",
    "am wochenende",
    "übers wochenende",
    "nächsten monat",
    "nächsten monats",
    "kommenden monat",
    "kommenden monats",
    "morgen",
    "übermorgen",
    "heute noch",
    "noch heute",
    "nächsten tagen",
    "kommenden tagen",
    "nächsten # tagen",
    "nächsten # wochen",
    "kommenden # tagen",
    "kommenden # wochen",
    "innerhalb einer woche",
    "innerhalb von # tagen",
    "innerhalb von # wochen",
    "innerhalb der nächsten tage",
    "in einer woche",
    "in # tagen",
    "in # wochen",
    "binnen # tagen",
    "innerhalb von # werktagen",
    "innerhalb von # arbeitstagen",
    "in # werktagen",
    "in # arbeitstagen",
    "binnen # werktagen",
    "binnen # arbeitstagen",
    "nächsten # werktagen",
    "kommenden # werktagen",
    "nach den feiertagen",
    "nach weihnachten",
    "nach neujahr",
    "nach dem jahreswechsel",
    "nach ostern",
    "nach den ferien",
    "nach der sommerpause",
    "nach dem wochenende",
    "vor dem wochenende",
    "vor weihnachten",
    "vor den feiertagen",
    "vor ostern",
    "anfang %",
    "mitte %",
    "ende %",
    // French.
    "la semaine prochaine",
    "semaine prochaine",
    "cette semaine",
    "dans la semaine",
    "la fin de la semaine",
    "fin de la semaine",
    "fin de semaine",
    "la fin du mois",
    "fin du mois",
    "fin de mois",
    "le mois prochain",
    "mois prochain",
    "demain",
    "après-demain",
    "après demain",
    "dans la journée",
    "ce soir",
    "en fin de journée",
    "dans les prochains jours",
    "dans les # prochains jours",
    "dans les jours qui viennent",
    "dans les jours à venir",
    "dans quelques jours",
    "d'ici quelques jours",
    "sous quelques jours",
    "dans # jours",
    "dans # semaines",
    "dans une semaine",
    "d'ici une semaine",
    "d'ici # jours",
    "d'ici # semaines",
    "sous # jours",
    "sous # semaines",
    "sous huitaine",
    "sous quinzaine",
    "dans un délai de # jours",
    "dans un délai de # semaines",
    "après les fêtes",
    "après les vacances",
    "après noël",
    "après le nouvel an",
    "après le jour de l'an",
    "après le week-end",
    "avant le week-end",
    "avant noël",
    "avant les fêtes",
    "à la rentrée",
    "début %",
    "fin %",
    "mi-%",
    "courant %",
    // Spanish.
    "la próxima semana",
    "próxima semana",
    "la semana que viene",
    "la semana próxima",
    "esta semana",
    "a lo largo de la semana",
    "durante la semana",
    "finales de semana",
    "finales de la semana",
    "final de la semana",
    "finales de mes",
    "finales del mes",
    "fin de mes",
    "final de mes",
    "final del mes",
    "el próximo mes",
    "el mes que viene",
    "el mes próximo",
    "mañana",
    "pasado mañana",
    "hoy mismo",
    "en los próximos días",
    "en los próximos # días",
    "en los siguientes días",
    "en los días siguientes",
    "en unos días",
    "en pocos días",
    "en unos pocos días",
    "dentro de # días",
    "dentro de # semanas",
    "dentro de unos días",
    "en un plazo de # días",
    "en un plazo de # semanas",
    "en un plazo máximo de # días",
    "en # días",
    "en # semanas",
    "en una semana",
    "después de las fiestas",
    "después de las vacaciones",
    "después de navidad",
    "después de año nuevo",
    "después de reyes",
    "después del fin de semana",
    "antes del fin de semana",
    "este fin de semana",
    "antes de navidad",
    "antes de las fiestas",
    "principios de %",
    "finales de %",
    "mediados de %",
];

/// Words that may stand before a time and belong to it ("bis", "d'ici",
/// "antes del", "au plus tard le"); a lone day of the month ("le 15")
/// needs one.
const INTRODUCERS: &[&str] = &[
    // German.
    "bis",
    "zum",
    "zur",
    "spätestens",
    "am",
    "vor dem",
    "vor der",
    "noch",
    "gegen",
    "ende",
    "anfang",
    "mitte",
    "ende der",
    "anfang der",
    "mitte der",
    "im laufe",
    "im laufe der",
    "in der",
    "in den",
    "innerhalb der",
    "im verlauf der",
    "nächsten",
    "kommenden",
    "diesen",
    // French.
    "d'ici",
    "d'ici à",
    "avant",
    "le",
    "au plus tard",
    "dès",
    "pour",
    "ce",
    "en",
    "dans",
    "au cours de",
    "dans le courant de",
    "courant",
    "en fin de",
    "en début de",
    "début de",
    "au début de",
    "à la fin de",
    "d'ici la fin de",
    // Spanish.
    "antes del",
    "antes de",
    "el",
    "para el",
    "para",
    "a más tardar",
    "como muy tarde",
    "como máximo",
    "hacia",
    "hacia el",
    "a finales de",
    "a principios de",
    "a mediados de",
    "durante",
    "a lo largo de",
    "en el transcurso de",
    "próximo",
    "este",
];

/// Before a date: the date is behind ("l'entretien de lundi", "seit Montag").
const PAST_BEFORE: &[&str] = &[
    "de",
    "du",
    "des",
    "depuis",
    "del",
    "desde",
    "vom",
    "von",
    "seit",
    "letzten",
    "letzte",
    "letzter",
    "vergangenen",
    "vergangene",
    "vorigen",
    "vorige",
];
/// After a date: the date is behind ("lundi dernier", "el viernes pasado").
const PAST_AFTER: &[&str] = &[
    "dernier",
    "dernière",
    "passé",
    "passée",
    "pasado",
    "pasada",
    "anterior",
];
/// Words that follow a date and make it one ("lundi prochain", "el lunes
/// que viene").
const AHEAD_AFTER: &[&str] = &["prochain", "prochaine", "próximo", "que viene"];
/// Between two weekdays: a range, office hours ("Montag bis Freitag").
const RANGE: &[&str] = &["bis", "au", "à", "a", "y", "und", "et", "al"];
/// After a lone number: not a day of the month ("bis 17 Uhr", "in 3 Tagen").
const UNITS: &[&str] = &[
    "uhr",
    "h",
    "hrs",
    "heures",
    "heure",
    "horas",
    "hora",
    "tage",
    "tagen",
    "tag",
    "werktage",
    "werktagen",
    "arbeitstage",
    "arbeitstagen",
    "jours",
    "jour",
    "días",
    "día",
    "wochen",
    "woche",
    "semaines",
    "semaine",
    "semanas",
    "semana",
    "stunden",
    "stunde",
    "minuten",
    "minutes",
    "minutos",
    "monate",
    "monaten",
    "mois",
    "meses",
    "jahre",
    "jahren",
    "ans",
    "años",
    "personen",
    "euro",
    "eur",
    "prozent",
    "mal",
    "fois",
    "veces",
    "kandidaten",
    "candidats",
    "candidatos",
    "uhrzeit",
];
/// "morgen" and "mañana" are also "morning".
const MORNING_BEFORE: &[&str] = &[
    "guten", "gute", "heute", "jeden", "am", "einen", "schönen", "gestern", "la", "esta", "una",
    "cada", "buena", "buenas", "toda", "media",
];
/// Numbers in words, for `#`.
const NUMBER_WORDS: &[&str] = &[
    "ein", "eine", "einer", "einem", "einen", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
    "acht", "zehn", "vierzehn", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept",
    "huit", "dix", "quinze", "uno", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete",
    "ocho", "diez", "quince",
];

/// A purpose after the time ends the promise, as English "to …" does.
const PURPOSES: &[&str] = &[
    "pour",
    "afin de",
    "afin d'",
    "para",
    "con el fin de",
    "con objeto de",
];
/// A closing formula ends the promise when no full stop came before it.
const CLOSINGS: &[&str] = &[
    "mit freundlichen grüßen",
    "mit freundlichem gruß",
    "freundliche grüße",
    "viele grüße",
    "beste grüße",
    "herzliche grüße",
    "liebe grüße",
    "schöne grüße",
    "cordialement",
    "bien cordialement",
    "bien à vous",
    "salutations",
    "un saludo",
    "saludos",
    "atentamente",
    "cordialmente",
    "un cordial saludo",
    "best regards",
    "kind regards",
];

// ------------------------------------------------------------------- folding

/// A word without accents, with German `ae`/`oe`/`ue` and `ß` spelled like
/// the umlauts, so every spelling of a word folds alike.
pub(crate) fn fold(word: &str) -> String {
    let mut plain = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' => plain.push('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => plain.push('e'),
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Î' => plain.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ô' | 'Ö' => plain.push('o'),
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Û' | 'Ü' => plain.push('u'),
            'ñ' | 'Ñ' => plain.push('n'),
            'ç' | 'Ç' => plain.push('c'),
            'ÿ' => plain.push('y'),
            'ß' | 'ẞ' => plain.push_str("ss"),
            'œ' | 'Œ' => plain.push_str("oe"),
            'æ' | 'Æ' => plain.push_str("ae"),
            other => plain.extend(other.to_lowercase()),
        }
    }
    plain
        .replace("ae", "a")
        .replace("oe", "o")
        .replace("ue", "u")
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{b4}' | '\u{2bc}' | '`'
    )
}

/// One element of a compiled wording or time.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pat {
    Word(String),
    Apostrophe,
    Punct(char),
    Number,
    Month,
}

fn compile(phrase: &str) -> Vec<Pat> {
    tokens(phrase)
        .into_iter()
        .map(|(t, _, _)| match t {
            Tok::Word(w) => Pat::Word(fold(&w)),
            Tok::Num(_) | Tok::Punct('#') => Pat::Number,
            Tok::Punct('%') => Pat::Month,
            Tok::Punct(c) if is_apostrophe(c) => Pat::Apostrophe,
            Tok::Punct(c) => Pat::Punct(c),
        })
        .collect()
}

/// Compiled phrases, found by their first word.
#[derive(Debug, Default)]
struct PatSet {
    pats: Vec<Vec<Pat>>,
    by_word: HashMap<String, Vec<usize>>,
    /// Phrases that start with something else than a word.
    rest: Vec<usize>,
}

impl PatSet {
    fn new(list: &[&str]) -> Self {
        let mut set = Self::default();
        for phrase in list {
            set.push(compile(phrase));
        }
        set
    }

    fn push(&mut self, pat: Vec<Pat>) {
        let at = self.pats.len();
        match pat.first() {
            Some(Pat::Word(w)) => self.by_word.entry(w.clone()).or_default().push(at),
            Some(_) => self.rest.push(at),
            None => return,
        }
        self.pats.push(pat);
    }

    /// The phrases that may match at a token whose folded word is `word`.
    fn candidates<'s>(&'s self, word: &str) -> impl Iterator<Item = &'s Vec<Pat>> + 's {
        self.by_word
            .get(word)
            .into_iter()
            .flatten()
            .chain(&self.rest)
            .filter_map(|&k| self.pats.get(k))
    }
}

/// A compiled wording.
#[derive(Debug)]
struct Marker {
    pat: Vec<Pat>,
    kind: Kind,
    /// Index into `Tables::needs`.
    needs: Option<usize>,
}

#[derive(Debug)]
struct Tables {
    /// Wordings by their first word.
    markers: HashMap<String, Vec<Marker>>,
    /// The distinct lists of words a wording may need.
    needs: Vec<PatSet>,
    times: PatSet,
    introducers: Vec<Vec<Pat>>,
    requests: PatSet,
    absences: PatSet,
    purposes: PatSet,
    closings: PatSet,
    ahead_after: PatSet,
    breakers: Vec<String>,
    negations: Vec<String>,
    fillers: Vec<String>,
    past_before: Vec<String>,
    past_after: Vec<String>,
    range: Vec<String>,
    units: Vec<String>,
    morning_before: Vec<String>,
    number_words: Vec<String>,
}

fn folded_list(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| fold(w)).collect()
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut all: Vec<(String, Kind, &[&str])> = MARKERS
        .iter()
        .map(|(p, k, n)| ((*p).to_owned(), *k, *n))
        .collect();
    for (nous, je, il) in FR_VERBS {
        for clitic in ["vous", "te"] {
            all.push((format!("nous {clitic} {nous}"), Kind::Sender, &[]));
            all.push((format!("je {clitic} {je}"), Kind::Sender, &[]));
            all.push((format!("on {clitic} {il}"), Kind::Sender, &[]));
            all.push((format!("{clitic} {il}"), Kind::GuardedInverted, &[]));
        }
    }
    for (nosotros, yo, usted) in ES_VERBS {
        for clitic in ["le", "te", "les", "os"] {
            all.push((format!("{clitic} {nosotros}"), Kind::Sender, &[]));
            all.push((format!("{clitic} {yo}"), Kind::Sender, &[]));
            all.push((format!("{clitic} {usted}"), Kind::GuardedInverted, &[]));
        }
    }
    let mut need_lists: Vec<&[&str]> = Vec::new();
    let mut needs = Vec::new();
    let mut markers: HashMap<String, Vec<Marker>> = HashMap::new();
    for (phrase, kind, need) in all {
        let pat = compile(&phrase);
        let Some(Pat::Word(first)) = pat.first().cloned() else {
            continue;
        };
        let needs_at = if need.is_empty() {
            None
        } else if let Some(k) = need_lists.iter().position(|l| std::ptr::eq(*l, need)) {
            Some(k)
        } else {
            need_lists.push(need);
            needs.push(PatSet::new(need));
            Some(needs.len() - 1)
        };
        markers.entry(first).or_default().push(Marker {
            pat,
            kind,
            needs: needs_at,
        });
    }
    // Longest first, so "nous vous tiendrons" is tried before "nous allons".
    for list in markers.values_mut() {
        list.sort_by_key(|m| std::cmp::Reverse(m.pat.len()));
    }
    let mut introducers: Vec<Vec<Pat>> = INTRODUCERS.iter().map(|p| compile(p)).collect();
    introducers.sort_by_key(|p| std::cmp::Reverse(p.len()));
    Tables {
        markers,
        needs,
        times: PatSet::new(TIMES),
        introducers,
        requests: PatSet::new(REQUESTS),
        absences: PatSet::new(ABSENCES),
        purposes: PatSet::new(PURPOSES),
        closings: PatSet::new(CLOSINGS),
        ahead_after: PatSet::new(AHEAD_AFTER),
        breakers: folded_list(BREAKERS),
        negations: folded_list(NEGATIONS),
        fillers: folded_list(FILLERS),
        past_before: folded_list(PAST_BEFORE),
        past_after: folded_list(PAST_AFTER),
        range: folded_list(RANGE),
        units: folded_list(UNITS),
        morning_before: folded_list(MORNING_BEFORE),
        number_words: folded_list(NUMBER_WORDS),
    }
});

// ------------------------------------------------------------------ matching

/// Token ranges `[start, end)`.
type Spans = Vec<(usize, usize)>;

/// The body cut into tokens, with each word folded.
struct Text<'a> {
    toks: Vec<Token>,
    words: Vec<String>,
    tables: &'a Tables,
}

impl Text<'_> {
    fn word(&self, i: usize) -> &str {
        self.words.get(i).map_or("", String::as_str)
    }

    fn word_in(&self, i: usize, list: &[String]) -> bool {
        let w = self.word(i);
        !w.is_empty() && list.iter().any(|x| x == w)
    }

    fn is_punct(&self, i: usize, wanted: &[char]) -> bool {
        matches!(self.toks.get(i), Some((Tok::Punct(c), _, _)) if wanted.contains(c))
    }

    fn is_weekday(&self, i: usize) -> bool {
        matches!(self.toks.get(i), Some((Tok::Word(w), _, _)) if weekday_named(w).is_some())
    }

    fn is_separator(&self, i: usize) -> bool {
        self.is_punct(i, &[',', ':', '\u{2014}', '\u{2013}'])
    }

    /// Matches `pat` at token `i`, not past `to`; the end index.
    fn match_at(&self, i: usize, to: usize, pat: &[Pat]) -> Option<usize> {
        let mut j = i;
        for p in pat {
            if j >= to {
                return None;
            }
            let (tok, _, _) = self.toks.get(j)?;
            let ok = match (p, tok) {
                (Pat::Word(w), Tok::Word(_)) => self.word(j) == w,
                (Pat::Apostrophe, Tok::Punct(c)) => is_apostrophe(*c),
                (Pat::Punct(a), Tok::Punct(b)) => a == b,
                (Pat::Number, Tok::Num(_)) => true,
                (Pat::Number, Tok::Word(_)) => self.word_in(j, &self.tables.number_words),
                (Pat::Month, Tok::Word(w)) => month_named(w).is_some(),
                _ => false,
            };
            if !ok {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    /// The longest phrase of `set` at token `i`: its end.
    fn any_at(&self, i: usize, to: usize, set: &PatSet) -> Option<usize> {
        set.candidates(self.word(i))
            .filter_map(|p| self.match_at(i, to, p))
            .max()
    }

    /// Every occurrence of a phrase of `set` in the text, in order.
    fn occurrences(&self, set: &PatSet) -> Spans {
        let len = self.toks.len();
        (0..len)
            .filter_map(|i| self.any_at(i, len, set).map(|e| (i, e)))
            .collect()
    }

    /// Is the token a full stop, as `sentence_bounds` sees it?
    fn is_stop(&self, i: usize, lower: &str) -> bool {
        matches!(self.toks.get(i), Some((Tok::Punct(c @ ('.' | '!' | '?' | ';' | '。')), at, _))
            if !is_abbreviation_dot(lower, *at, *c))
    }

    /// Every time expression, read sentence by sentence (`stops` are the
    /// full stops' token indices).
    fn all_times(&self, stops: &[usize]) -> Spans {
        let mut found = Vec::new();
        let mut from = 0;
        for &stop in stops.iter().chain([self.toks.len()].iter()) {
            found.extend(self.times(from, stop));
            from = stop + 1;
        }
        found
    }

    /// A time core at `i`: its end, and whether it is a date that is only a
    /// day of the month ("15").
    fn core_at(&self, i: usize, to: usize) -> Option<(usize, bool)> {
        let t = self.tables;
        if let Some(end) = self.any_at(i, to, &t.times) {
            let morning = matches!(self.word(i), "morgen" | "manana")
                && end == i + 1
                && i > 0
                && self.word_in(i - 1, &t.morning_before);
            return (!morning).then_some((end, false));
        }
        // A date: it starts with a weekday, a month or a number, never with
        // a glue word ("de vendredi" is not read as "vendredi").
        let starts = match self.toks.get(i) {
            Some((Tok::Word(w), _, _)) => weekday_named(w).is_some() || month_named(w).is_some(),
            Some((Tok::Num(n), _, _)) => (1..=31).contains(n),
            _ => false,
        };
        if !starts {
            return None;
        }
        let (date, used) = parse_date(self.toks.get(i..to)?)?;
        if used == 0 {
            return None;
        }
        let mut end = i + used;
        let day_only = date.weekday.is_none() && date.month.is_none();
        if day_only
            && (self.word_in(end, &t.units) || self.is_punct(end, &[':', '%', '/', '-', '–']))
        {
            return None;
        }
        if self.word_in(end, &t.past_after) {
            return None;
        }
        // Office hours: "Montag bis Freitag", "du lundi au vendredi".
        if self.word_in(end, &t.range) && self.is_weekday(end + 1) {
            return None;
        }
        if let Some(e) = self.any_at(end, to, &t.ahead_after) {
            end = e;
        }
        Some((end, day_only))
    }

    /// The time expressions of the sentence `[from, to)`, in order.
    fn times(&self, from: usize, to: usize) -> Spans {
        let t = self.tables;
        let mut found = Vec::new();
        let mut i = from;
        while i < to {
            let Some((mut end, day_only)) = self.core_at(i, to) else {
                i += 1;
                continue;
            };
            let is_date = self.any_at(i, to, &t.times).is_none();
            // Overlapping cores make one time ("la fin de la semaine
            // prochaine").
            let mut j = i + 1;
            while j < end {
                if let Some((e, _)) = self.core_at(j, to) {
                    end = end.max(e);
                }
                j += 1;
            }
            // Introducers before the core: "bis", "d'ici", "antes del", ...
            let mut start = i;
            let mut introduced = 0;
            while introduced < 5 {
                let Some(len) = t
                    .introducers
                    .iter()
                    .filter(|p| p.len() <= start - from)
                    .find(|p| self.match_at(start - p.len(), start, p) == Some(start))
                    .map(Vec::len)
                else {
                    break;
                };
                start -= len;
                introduced += 1;
            }
            let before = start.checked_sub(1).filter(|&b| b >= from);
            let rejected = is_date
                && ((day_only && introduced == 0)
                    || before.is_some_and(|b| self.word_in(b, &t.past_before))
                    // "lundi au vendredi", "de lunes a viernes".
                    || before.is_some_and(|b| {
                        (self.word_in(b, &t.range) || self.is_punct(b, &['-', '–']))
                            && b.checked_sub(1).is_some_and(|w| self.is_weekday(w))
                    })
                    // "Montag bis Freitag": "bis" was taken as an introducer.
                    || (i >= 2 && self.word_in(i - 1, &t.range) && self.is_weekday(i - 2)));
            if !rejected {
                found.push((start, end));
            }
            i = end.max(i + 1);
        }
        found
    }

    /// Is `[from, to)` only fillers and clause marks?
    fn only_fillers(&self, from: usize, to: usize) -> bool {
        (from..to).all(|k| self.word_in(k, &self.tables.fillers) || self.is_separator(k))
    }

    /// The first token of the clause holding token `i`, within `[floor, i]`.
    fn clause_start(&self, floor: usize, i: usize) -> usize {
        (floor..i)
            .rev()
            .find(|&k| self.is_separator(k))
            .map_or(floor, |k| k + 1)
    }
}

/// What is read once per message: the full stops, and every time, request
/// and needed word.
struct Scan {
    /// Token indices of the full stops.
    stops: Vec<usize>,
    times: Spans,
    requests: Spans,
    absences: Spans,
    needs: Vec<Spans>,
}

/// The spans of `spans` (sorted by start) that lie within `[from, to)`.
fn within(
    spans: &[(usize, usize)],
    from: usize,
    to: usize,
) -> impl Iterator<Item = (usize, usize)> {
    let a = spans.partition_point(|(s, _)| *s < from);
    let b = spans.partition_point(|(s, _)| *s < to);
    spans
        .get(a..b.max(a))
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(move |(_, e)| *e <= to)
}

/// A promise found in the body: where it is, where its time is, and its
/// text as quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Byte offset in the body where the promise starts.
    pub start: usize,
    /// Byte offset in the body where the quoted promise ends.
    pub end: usize,
    /// Byte span in the body of the time that made it a promise ("bis
    /// Ende nächster Woche", "by the end of", "1月29日"); the promised day
    /// is read from there (`crate::due`).
    pub time: (usize, usize),
    /// The promise as written, sanitised.
    pub text: String,
}

/// A promise in German, French or Spanish.
pub(crate) fn find(body: &Folded) -> Option<Found> {
    let tables = &*TABLES;
    let lower = &body.lower;
    let toks = tokens(lower);
    let words = toks
        .iter()
        .map(|(t, _, _)| match t {
            Tok::Word(w) => fold(w),
            _ => String::new(),
        })
        .collect();
    let text = Text {
        toks,
        words,
        tables,
    };
    // The wordings first: most messages have none, and need nothing more.
    let mut hits: Vec<(usize, usize, &Marker)> = Vec::new();
    for mi in 0..text.toks.len() {
        let Some(list) = tables.markers.get(text.word(mi)) else {
            continue;
        };
        for marker in list {
            if let Some(me) = text.match_at(mi, text.toks.len(), &marker.pat) {
                hits.push((mi, me, marker));
            }
        }
    }
    if hits.is_empty() {
        return None;
    }
    let stops: Vec<usize> = (0..text.toks.len())
        .filter(|&i| text.is_stop(i, lower))
        .collect();
    let scan = Scan {
        times: text.all_times(&stops),
        stops,
        requests: text.occurrences(&tables.requests),
        absences: text.occurrences(&tables.absences),
        needs: tables
            .needs
            .iter()
            .map(|set| text.occurrences(set))
            .collect(),
    };
    hits.into_iter()
        .find_map(|(mi, me, marker)| promise_at(&text, &scan, body, mi, me, marker))
}

/// The promise of the wording at tokens `[mi, me)`, if its sentence has a
/// time for it.
fn promise_at(
    text: &Text<'_>,
    scan: &Scan,
    body: &Folded,
    mi: usize,
    me: usize,
    marker: &Marker,
) -> Option<Found> {
    let t = text.tables;
    // The sentence: from the full stop before to the one after, at most
    // REACH tokens either way (as `sentence_bounds` reaches 1000 bytes).
    let after_stop = scan.stops.partition_point(|&k| k < me);
    let stop = scan.stops.get(after_stop).copied();
    let s_from = after_stop
        .checked_sub(1)
        .and_then(|k| scan.stops.get(k))
        .map_or(0, |k| k + 1)
        .max(mi.saturating_sub(REACH));
    let s_to = stop.unwrap_or(text.toks.len()).min(me + REACH);
    let be = match stop.filter(|&k| k == s_to) {
        Some(k) => {
            if text.is_punct(k, &['?']) {
                return None;
            }
            text.toks.get(k)?.2
        }
        None => text.toks.get(s_to.checked_sub(1)?)?.2,
    };
    let times: Spans = within(&scan.times, s_from, s_to).collect();
    if times.is_empty() {
        return None;
    }
    if marker.kind.guarded() && within(&scan.requests, s_from, s_to).next().is_some() {
        return None;
    }
    if within(&scan.absences, s_from, s_to).next().is_some() {
        return None;
    }
    if let Some(k) = marker.needs {
        let found = scan
            .needs
            .get(k)
            .is_some_and(|n| within(n, me, s_to).next().is_some());
        if !found {
            return None;
        }
    }
    if (mi.saturating_sub(2).max(s_from)..mi).any(|k| text.word_in(k, &t.negations)) {
        return None;
    }
    // The wording's clause runs to the next separator (past one right after
    // the wording: "Wir hoffen, Ihnen bis Freitag ...").
    let clause_from = if text.is_separator(me) { me + 1 } else { me };
    let clause_end = (clause_from..s_to)
        .find(|&k| text.is_separator(k))
        .unwrap_or(s_to);
    let after = times.iter().find(|(ts, _)| {
        if *ts < me || *ts > me + GAP {
            return false;
        }
        if *ts < clause_end {
            // Same clause: nothing between makes it about something else.
            !(me..*ts).any(|k| {
                text.word_in(k, &t.breakers)
                    && !(matches!(text.word(k), "que" | "qu")
                        && k > 0
                        && matches!(text.word(k - 1), "des" | "aussitot"))
            })
        } else {
            // A later clause that opens with the time ("..., au plus tard
            // vendredi").
            text.only_fillers(text.clause_start(s_from, *ts), *ts)
        }
    });
    let (start_tok, (time_start, time_end)) = if let Some(&(ts, te)) = after {
        // What stands before a verb-second verb is short ("Bis Ende
        // nächster Woche", "Eine Rückmeldung zu Ihrer Bewerbung").
        let clause = text.clause_start(s_from, mi);
        let start = if marker.kind.starts_with_clause() && clause + LEAD >= mi {
            clause
        } else {
            mi
        };
        (start, (ts, te))
    } else {
        // A time that opens the sentence or a clause before the wording:
        // "Bis Freitag melden wir uns", "D'ici vendredi, nous reviendrons".
        let &(ts, te) = times.iter().rev().find(|(ts, te)| {
            *te <= mi
                && text.only_fillers(text.clause_start(s_from, *ts), *ts)
                && text.only_fillers(*te, mi)
        })?;
        (text.clause_start(s_from, ts), (ts, te))
    };
    // The end: the sentence's, or a purpose or a closing after the time.
    let mut end_byte = be;
    for k in time_end.max(me)..s_to {
        let purpose =
            text.any_at(k, s_to, &t.purposes).is_some() && !times.iter().any(|(ts, _)| *ts == k);
        let um = text.is_separator(k)
            && text.word(k + 1) == "um"
            && !matches!(text.toks.get(k + 2), Some((Tok::Num(_), _, _)));
        let closing = text.any_at(k, s_to, &t.closings).is_some();
        if purpose || um || closing {
            end_byte = text.toks.get(k)?.1;
            break;
        }
    }
    let start_byte = text.toks.get(start_tok)?.1;
    let time = (
        text.toks.get(time_start)?.1,
        text.toks.get(time_end.checked_sub(1)?)?.2,
    );
    let quoted = body
        .slice(start_byte, end_byte)
        .trim()
        .trim_end_matches(['.', '!', ';', ',', ':', ' ', '\u{a0}']);
    if quoted.is_empty() {
        return None;
    }
    Some(Found {
        start: start_byte,
        end: end_byte,
        time,
        text: sanitize(quoted, 300).0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promise(text: &str) -> Option<String> {
        find(&Folded::new(text)).map(|f| f.text)
    }

    #[test]
    fn folding_makes_spellings_alike() {
        assert_eq!(fold("nächste"), fold("naechste"));
        assert_eq!(fold("nächste"), fold("nachste"));
        assert_eq!(fold("Grüße"), fold("gruesse"));
        assert_eq!(fold("próxima"), fold("proxima"));
        assert_eq!(fold("répondrons"), fold("repondrons"));
        assert_eq!(fold("mañana"), "manana");
    }

    #[test]
    fn german_promises() {
        let cases = [
            (
                "Vielen Dank für das Gespräch, wir melden uns bis Freitag bei Ihnen.",
                "wir melden uns bis Freitag bei Ihnen",
            ),
            (
                "Sie hören nächste Woche von uns.",
                "Sie hören nächste Woche von uns",
            ),
            (
                "Danke! Rückmeldung bis Ende der Woche.",
                "Rückmeldung bis Ende der Woche",
            ),
            (
                "Eine Rückmeldung erhalten Sie spätestens bis Ende nächster Woche.",
                "Eine Rückmeldung erhalten Sie spätestens bis Ende nächster Woche",
            ),
            (
                "Bis Freitag melden wir uns bei Ihnen.",
                "Bis Freitag melden wir uns bei Ihnen",
            ),
            (
                "Selbstverständlich melden wir uns am Montag.",
                "Selbstverständlich melden wir uns am Montag",
            ),
            (
                "Wir werden Ihnen bis zum 15. Januar Bescheid geben.",
                "Wir werden Ihnen bis zum 15. Januar Bescheid geben",
            ),
            (
                "Ich rufe Sie naechste Woche an, um die Details zu besprechen.",
                "Ich rufe Sie naechste Woche an",
            ),
            (
                "WIR MELDEN UNS NACH DEN FEIERTAGEN.",
                "WIR MELDEN UNS NACH DEN FEIERTAGEN",
            ),
            (
                "Frau Krüger meldet sich morgen bei Ihnen.",
                "Frau Krüger meldet sich morgen bei Ihnen",
            ),
            (
                "Herr Brandt wird sich nach dem Wochenende bei Ihnen melden.",
                "Herr Brandt wird sich nach dem Wochenende bei Ihnen melden",
            ),
            (
                "Wir hoffen, Ihnen in den nächsten Tagen eine Antwort geben zu können.",
                "Wir hoffen, Ihnen in den nächsten Tagen eine Antwort geben zu können",
            ),
            (
                "Wir melden uns, sobald alle Gespräche geführt sind, spätestens aber am Freitag.",
                "Wir melden uns, sobald alle Gespräche geführt sind, spätestens aber am Freitag",
            ),
            (
                "Wir melden uns bis Freitag bei Ihnen Mit freundlichen Grüßen Sabine Krüger",
                "Wir melden uns bis Freitag bei Ihnen",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(promise(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn german_non_promises() {
        for text in [
            "Wir freuen uns auf Ihre Bewerbung.",
            "Wir freuen uns, Sie nächste Woche kennenzulernen.",
            "Bitte geben Sie uns bis Freitag Rückmeldung.",
            "Wir freuen uns auf Ihre Rückmeldung bis Freitag.",
            "Wir melden uns zeitnah bei Ihnen.",
            "Wir melden uns in Kürze.",
            "Ich melde mich bezüglich unseres Gesprächs am Freitag.",
            "Wir melden uns nicht vor Freitag.",
            "Können Sie uns bis Freitag Bescheid geben?",
            "Werden Sie bis Freitag eine Rückmeldung geben?",
            "Sie erreichen uns Montag bis Freitag von 9 bis 17 Uhr.",
            "Wir sind Montag bis Freitag für Sie da, wir melden uns gern.",
            "Guten Morgen Frau Doe, wir melden uns bei Ihnen.",
            "Sie werden gebeten, bis Freitag eine Rückmeldung zu geben.",
            "Wir führen in dieser Woche noch Gespräche.",
            "Mit freundlichen Grüßen Sabine Krüger Lindenhof Beratung GmbH Sprechzeiten Mo–Fr 9–17 Uhr",
            "Wir werden uns seit Montag um Ihre Unterlagen kümmern.",
            "Wir melden uns innerhalb von 24 Stunden bei Ihnen.",
            "Wir melden uns bei Ihnen und wünschen Ihnen ein schönes Wochenende.",
            "Wir hoffen, bis Freitag von Ihnen zu hören.",
            "Ich werde nächste Woche im Urlaub sein.",
            "Die Situation wird sich bis Freitag klären.",
        ] {
            assert_eq!(promise(text), None, "{text}");
        }
    }

    #[test]
    fn french_promises() {
        let cases = [
            (
                "Merci encore, nous reviendrons vers vous d'ici vendredi.",
                "nous reviendrons vers vous d'ici vendredi",
            ),
            (
                "Vous aurez de nos nouvelles la semaine prochaine.",
                "Vous aurez de nos nouvelles la semaine prochaine",
            ),
            (
                "Nous vous tiendrons informé(e) avant le 15.",
                "Nous vous tiendrons informé(e) avant le 15",
            ),
            (
                "Nous reviendrons vers vous d\u{2019}ici la fin de la semaine prochaine.",
                "Nous reviendrons vers vous d\u{2019}ici la fin de la semaine prochaine",
            ),
            (
                "D'ici vendredi, nous reviendrons vers vous.",
                "D'ici vendredi, nous reviendrons vers vous",
            ),
            (
                "NOUS VOUS REPONDRONS AVANT LE VENDREDI 22 JANVIER.",
                "NOUS VOUS REPONDRONS AVANT LE VENDREDI 22 JANVIER",
            ),
            (
                "Je vous appellerai lundi prochain pour fixer un second entretien.",
                "Je vous appellerai lundi prochain",
            ),
            (
                "Mme Martin vous recontactera dans les prochains jours.",
                "Mme Martin vous recontactera dans les prochains jours",
            ),
            (
                "J'espère pouvoir vous donner une réponse en début de semaine prochaine.",
                "J'espère pouvoir vous donner une réponse en début de semaine prochaine",
            ),
            (
                "Nous vous tiendrons informée dès que possible, et au plus tard vendredi.",
                "Nous vous tiendrons informée dès que possible, et au plus tard vendredi",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(promise(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn french_non_promises() {
        for text in [
            "Nous reviendrons vers vous dans les meilleurs délais.",
            "Nous vous remercions pour l'entretien de lundi.",
            "Nous vous recontacterons suite à l'entretien de lundi.",
            "Merci de nous faire un retour d'ici vendredi.",
            "Pourriez-vous nous envoyer vos disponibilités d'ici vendredi\u{a0}?",
            "Nous vous répondrons du lundi au vendredi de 9h à 18h.",
            "Vous aurez de nos nouvelles.",
            "Nous ne reviendrons pas vers vous avant vendredi.",
            "Vous aurez un entretien lundi.",
            "Bien cordialement, Claire Berthier, joignable du lundi au vendredi",
            "Nous vous répondrons sous 48 heures.",
            "Nous espérons recevoir votre réponse d'ici vendredi.",
            "Nous comptons sur votre présence lundi.",
            "Je vais être absente la semaine prochaine.",
        ] {
            assert_eq!(promise(text), None, "{text}");
        }
    }

    #[test]
    fn spanish_promises() {
        let cases = [
            (
                "Gracias por su tiempo; le responderemos antes del viernes.",
                "le responderemos antes del viernes",
            ),
            (
                "Nos pondremos en contacto con usted la próxima semana.",
                "Nos pondremos en contacto con usted la próxima semana",
            ),
            (
                "Tendrá noticias nuestras la semana que viene.",
                "Tendrá noticias nuestras la semana que viene",
            ),
            (
                "nos pondremos en contacto contigo la proxima semana para concertar una entrevista.",
                "nos pondremos en contacto contigo la proxima semana",
            ),
            (
                "Le daremos una respuesta antes del 15 de enero.",
                "Le daremos una respuesta antes del 15 de enero",
            ),
            (
                "Nuestro equipo se pondrá en contacto con usted mañana.",
                "Nuestro equipo se pondrá en contacto con usted mañana",
            ),
            (
                "La próxima semana le llamaremos.",
                "La próxima semana le llamaremos",
            ),
            (
                "Te escribiré el lunes que viene.",
                "Te escribiré el lunes que viene",
            ),
            (
                "Esperamos poder darle una respuesta a finales de enero.",
                "Esperamos poder darle una respuesta a finales de enero",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(promise(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn spanish_non_promises() {
        for text in [
            "Tendrá noticias nuestras.",
            "Le responderemos a la mayor brevedad.",
            "¿Podría enviarnos su disponibilidad antes del viernes?",
            "Por favor, le rogamos que nos envíe su respuesta antes del viernes.",
            "Le responderemos de lunes a viernes, de 9:00 a 18:00.",
            "No le responderemos antes del viernes.",
            "Le escribiremos sobre la entrevista del viernes.",
            "Le llamaremos por la mañana.",
            "Gracias por la entrevista del viernes pasado.",
            "Un saludo, Lucía Navarrete, horario de lunes a viernes",
            "Le responderemos en un plazo de 48 horas.",
            "Esperamos su respuesta antes del viernes.",
            "Esperamos recibir su currículum antes del viernes.",
            "Voy a estar de vacaciones la próxima semana.",
        ] {
            assert_eq!(promise(text), None, "{text}");
        }
    }

    #[test]
    fn long_runs_stay_short_and_bounded() {
        let body = format!("{} Wir melden uns bis Freitag.", "wir werden ".repeat(3000));
        let found = promise(&body).unwrap_or_default();
        assert!(found.ends_with("Wir melden uns bis Freitag"), "{found}");
        assert!(found.split(' ').count() <= 30, "{found}");
        // A time more than a sentence's reach away is not the wording's.
        let body = format!("Wir melden uns {} bis Freitag.", "und ".repeat(400));
        assert_eq!(promise(&body), None);
    }

    fn read_reply(body: &str) -> (Option<String>, f32, String) {
        let raw = format!(
            "From: Katrin Vogel <katrin.vogel@halvorsen.de>\r\nTo: jane.doe@example.net\r\n\
             Date: Wed, 13 Jan 2010 11:20:00 +0100\r\nSubject: AW: Gespräch\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
        );
        let reading = crate::read(raw.as_bytes(), &crate::ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        match reading.step {
            crate::Step::Reply { promise_text, .. } => {
                (promise_text, reading.confidence, reading.evidence.text)
            }
            other => panic!("not a reply: {other:?}"),
        }
    }

    #[test]
    fn read_quotes_the_promise_as_evidence() {
        let (promise, confidence, evidence) = read_reply(
            "Hallo Frau Doe,\r\n\r\nvielen Dank. Sie h\u{f6}ren n\u{e4}chste Woche von uns.\r\n\r\n\
             Viele Gr\u{fc}\u{df}e\r\nKatrin Vogel\r\n\r\n\
             Am 12.01.2010 schrieb Jane Doe:\r\n> Ich melde mich bis Freitag bei Ihnen.\r\n",
        );
        assert_eq!(promise.as_deref(), Some("Sie hören nächste Woche von uns"));
        assert_eq!(evidence, "Sie hören nächste Woche von uns");
        assert!((confidence - 0.45).abs() < 1e-6);
        // Only the seeker's quoted line has a time: no promise.
        let (promise, confidence, _) =
            read_reply("Danke, wir melden uns.\r\n\r\n> Ich melde mich bis Freitag bei Ihnen.\r\n");
        assert_eq!(promise, None);
        assert!((confidence - 0.4).abs() < 1e-6);
    }

    #[test]
    fn read_takes_the_earliest_promise_of_any_language() {
        let (promise, _, _) = read_reply(
            "Wir melden uns bis Freitag bei Ihnen.\r\n\r\n\
             We will reply to all enquiries within the week.\r\n",
        );
        assert_eq!(
            promise.as_deref(),
            Some("Wir melden uns bis Freitag bei Ihnen")
        );
        let (promise, _, _) =
            read_reply("I'll call you on Monday.\r\n\r\nWir melden uns bis Freitag bei Ihnen.\r\n");
        assert_eq!(promise.as_deref(), Some("I'll call you on Monday"));
    }

    #[test]
    fn english_is_left_to_the_english_rule() {
        assert_eq!(promise("I'll have an update for you by Tuesday."), None);
        assert_eq!(promise("We rely on VA benefits next week."), None);
    }
}
