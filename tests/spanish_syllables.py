"""Spanish words with their syllable counts, by the RAE's rules (Ortografía 2010), each written out.

Only words whose count is not in dispute: no "h" between vowels that could join them (prohibir), no
"guion"/"huir" (monosyllables by the 2010 rules, disyllables for many speakers)."""
WORDS = [
    # plain CV syllables and consonant clusters (consonants never change the count)
    ("casa", 2, "ca-sa"), ("perro", 2, "pe-rro"), ("llamar", 2, "lla-mar"), ("ocho", 2, "o-cho"),
    ("problema", 3, "pro-ble-ma"), ("transporte", 3, "trans-por-te"), ("instrucción", 3, "ins-truc-ción"),
    ("obstáculo", 4, "obs-tá-cu-lo"), ("constante", 3, "cons-tan-te"), ("abstracto", 3, "abs-trac-to"),
    ("extraño", 3, "ex-tra-ño"), ("perspectiva", 4, "pers-pec-ti-va"), ("psicología", 5, "psi-co-lo-gí-a"),
    ("cerebro", 3, "ce-re-bro"), ("médico", 3, "mé-di-co"), ("adicción", 3, "a-dic-ción"),
    ("medicamento", 5, "me-di-ca-men-to"), ("tratamiento", 4, "tra-ta-mien-to"),
    ("abstinencia", 4, "abs-ti-nen-cia"), ("benzodiacepinas", 6, "ben-zo-dia-ce-pi-nas"),
    # diphthongs: weak + strong, strong + weak, two different weak vowels
    ("bueno", 2, "bue-no"), ("tiempo", 2, "tiem-po"), ("aire", 2, "ai-re"), ("causa", 2, "cau-sa"),
    ("Europa", 3, "Eu-ro-pa"), ("reina", 2, "rei-na"), ("oigo", 2, "oi-go"), ("suave", 2, "sua-ve"),
    ("ciudad", 2, "ciu-dad"), ("cuidado", 3, "cui-da-do"), ("ruido", 2, "rui-do"), ("viuda", 2, "viu-da"),
    ("agua", 2, "a-gua"), ("antiguo", 3, "an-ti-guo"), ("cuota", 2, "cuo-ta"), ("paciente", 3, "pa-cien-te"),
    ("familia", 3, "fa-mi-lia"), ("ansiedad", 3, "an-sie-dad"), ("canción", 2, "can-ción"),
    ("información", 4, "in-for-ma-ción"), ("continua", 3, "con-ti-nua"), ("sueño", 2, "sue-ño"),
    ("cáustico", 3, "cáus-ti-co"), ("huevo", 2, "hue-vo"), ("dependencia", 4, "de-pen-den-cia"),
    # hiatus: two strong vowels
    ("poeta", 3, "po-e-ta"), ("leer", 2, "le-er"), ("creer", 2, "cre-er"), ("aéreo", 4, "a-é-re-o"),
    ("océano", 4, "o-cé-a-no"), ("caos", 2, "ca-os"), ("teatro", 3, "te-a-tro"), ("héroe", 3, "hé-ro-e"),
    ("toalla", 3, "to-a-lla"), ("ahora", 3, "a-ho-ra"),
    # hiatus: accented í / ú beside another vowel
    ("día", 2, "dí-a"), ("río", 2, "rí-o"), ("país", 2, "pa-ís"), ("baúl", 2, "ba-úl"), ("reúne", 3, "re-ú-ne"),
    ("oír", 2, "o-ír"), ("maíz", 2, "ma-íz"), ("continúa", 4, "con-ti-nú-a"), ("actúa", 3, "ac-tú-a"),
    ("evalúe", 4, "e-va-lú-e"), ("oído", 3, "o-í-do"), ("increíble", 4, "in-cre-í-ble"), ("reír", 2, "re-ír"),
    ("enfermería", 5, "en-fer-me-rí-a"), ("búho", 2, "bú-ho"), ("ahí", 2, "a-hí"), ("chiita", 3, "chi-i-ta"),
    # triphthongs
    ("buey", 1, "buey"), ("Uruguay", 3, "U-ru-guay"), ("Paraguay", 3, "Pa-ra-guay"),
    ("estudiáis", 3, "es-tu-diáis"), ("averiguáis", 4, "a-ve-ri-guáis"), ("limpiéis", 2, "lim-piéis"),
    ("miau", 1, "miau"),
    # "qu" and "gu" before e/i: the u is not said; "gü" it is
    ("que", 1, "que"), ("queso", 2, "que-so"), ("quince", 2, "quin-ce"), ("aquí", 2, "a-quí"),
    ("química", 3, "quí-mi-ca"), ("pequeño", 3, "pe-que-ño"), ("quiero", 2, "quie-ro"),
    ("guerra", 2, "gue-rra"), ("guitarra", 3, "gui-ta-rra"), ("seguir", 2, "se-guir"), ("alguien", 2, "al-guien"),
    ("pingüino", 3, "pin-güi-no"), ("vergüenza", 3, "ver-güen-za"), ("cigüeña", 3, "ci-güe-ña"),
    # "y": a vowel alone and at the end of a word after a vowel, a consonant before one
    ("y", 1, "y"), ("hoy", 1, "hoy"), ("muy", 1, "muy"), ("rey", 1, "rey"), ("ley", 1, "ley"),
    ("estoy", 2, "es-toy"), ("hay", 1, "hay"), ("yo", 1, "yo"), ("ayuda", 3, "a-yu-da"), ("mayo", 2, "ma-yo"),
    ("leyes", 2, "le-yes"), ("reyes", 2, "re-yes"),
    # capitals and accents as written
    ("ÁREA", 3, "Á-RE-A"), ("Médico", 3, "Mé-di-co"),
]
