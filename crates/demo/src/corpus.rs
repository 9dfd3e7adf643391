//! Hand-written text bank for the demo generator.
//!
//! The seeded demo generator builds a fictional seller, Brightwater Industrial
//! Supply (a distributor and engineering partner for pumps, valves, process
//! instrumentation, spare parts, service contracts and retrofit projects), and
//! its customers, contacts, deals, orders, issues, activities, notes and call
//! transcripts from the plain data in this file. Nothing here is random and no
//! logic lives here: the generator picks entries with its own seeded RNG.
//!
//! Some strings contain placeholders written in braces, which the generator
//! replaces when it uses the text: `{rep}` (the account manager's first name),
//! `{customer}` and `{customer2}` (first names of the first and second customer
//! speakers), `{account}` (customer company short name), `{product}`,
//! `{competitor}`, `{amount}` (a money amount such as "$48,500"), `{date}` (a
//! spoken date such as "March 14th"), `{site}` (such as "the Dayton plant"),
//! `{order_no}` (such as "SO-20931") and `{qty}` (a number). No other brace
//! sequences appear in the text. All companies and people are fictional.

/// Who speaks a scripted turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Rep,
    Customer,
    Customer2,
}

/// One spoken turn with placeholders.
#[derive(Clone, Copy, Debug)]
pub struct Turn {
    pub who: Who,
    pub text: &'static str,
}

/// A part of a call (opening, needs, pricing, ...) with alternative wordings; the generator picks one variant per beat.
#[derive(Clone, Copy, Debug)]
pub struct Beat {
    pub name: &'static str,
    pub variants: &'static [&'static [Turn]],
}

/// A call type and its beats in order.
#[derive(Clone, Copy, Debug)]
pub struct CallScript {
    pub kind: &'static str,
    pub title: &'static str,
    pub beats: &'static [Beat],
}

/// A past project the company can cite in quotations.
#[derive(Clone, Copy, Debug)]
pub struct ProjectSeed {
    pub title: &'static str,
    pub client: &'static str,
    pub industry: &'static str,
    pub year: u16,
    pub summary: &'static str,
    pub capabilities: &'static [&'static str],
    pub value_usd: i64,
}

/// A customer issue template.
#[derive(Clone, Copy, Debug)]
pub struct IssueSeed {
    /// "complaint" or "service_failure".
    pub kind: &'static str,
    /// "low" | "medium" | "high" | "critical".
    pub severity: &'static str,
    pub summary: &'static str,
}

/// Fictional customer company name stems, without industry word or legal suffix.
pub const COMPANY_STEMS: &[&str] = &[
    "Harlow Creek",
    "Meridian",
    "Valtbrook",
    "Bellrock",
    "Cobalt Ridge",
    "Dunmore",
    "Eastvale",
    "Fairhaven",
    "Granite Bay",
    "Halvorsen",
    "Ironvale",
    "Juniper Flats",
    "Kestrel Point",
    "Linden Hall",
    "Millrace",
    "Northgate",
    "Pinecrest",
    "Quarry Hill",
    "Redwater",
    "Silver Fork",
    "Tamarack",
    "Upland",
    "Valemont",
    "Westbrook",
    "Yellowpine",
    "Zephyr Valley",
    "Alder Point",
    "Blue Heron",
    "Cedar Valley",
    "Copperline",
    "Deer Run",
    "Elmstead",
    "Foxhollow",
    "Glenharrow",
    "Hartwell",
    "Ingram Falls",
    "Jessup",
    "Larkspur",
    "Marlowe",
    "Newhaven",
    "Orchard Bend",
    "Prairie Wind",
    "Quillan",
    "Riverton",
    "Stonebridge",
    "Thistledown",
    "Union Flats",
    "Verity",
    "Wexford",
    "Yarrow",
    "Amberfield",
    "Brackenridge",
    "Carrow",
    "Dalebrook",
    "Embery",
    "Fenwick",
    "Goshawk",
    "Holloway",
    "Idlewood",
    "Jarrah",
    "Kelso",
    "Lockridge",
    "Maplecroft",
    "Nordale",
    "Ostrander",
    "Pemberton",
    "Ravensworth",
    "Saltmarsh",
    "Tolland",
    "Vireo",
    "Whitlock",
    "Ashcombe",
    "Birchwood",
    "Driftwood",
    "Emberly",
    "Falconridge",
    "Jasper Creek",
    "Lowell Ridge",
    "Mossbank",
    "Nettlefield",
    "Pellston",
    "Rushford",
    "Sandpiper",
    "Umber",
    "Vossberg",
    "Wildrose",
    "Brennan Hill",
    "Dovetail",
    "Everly",
    "Fernhill",
    "Galloway",
    "Hadley",
    "Ironbridge",
    "Kittredge",
    "Lambert Creek",
    "Marsh Harbor",
    "Nordhaven",
    "Osprey Bay",
    "Pikeview",
    "Redbank",
    "Sorrel",
    "Trenholm",
    "Underhill",
    "Wrenfield",
    "Adler",
    "Delmont",
    "Easton Ridge",
    "Farrow",
    "Gilcrest",
    "Hawthorne Mill",
    "Larch Hollow",
    "Lyndale",
    "Montclare",
    "Overbrook",
    "Pryor Creek",
    "Rainford",
    "Tanager",
    "Vale Forge",
    "Winslow Bay",
    "Arden Mill",
    "Dunbar Ridge",
    "Elkhorn",
    "Flintridge",
    "Graywood",
    "Haverly",
    "Kessler Park",
    "Lindqvist",
    "Mortlake",
    "Nyberg",
    "Orlanda",
    "Pavlik",
    "Steinhart",
    "Tellwright",
    "Van Roon",
    "Waldner",
    "Zeller",
    "Cascadia",
    "Fjordline",
    "Greenbank",
    "Heliox",
    "Juno Ridge",
    "Kovac",
    "Lumen Fields",
    "Novaterra",
    "Orion Bay",
    "Quantis",
    "Solano",
    "Terrace Point",
    "Wyndmoor",
    "Yorkfield",
    "Bramwell",
    "Corliss",
    "Dray Valley",
    "Esker",
    "Glenhaven",
    "Harrowgate",
    "Kilbride",
    "Lochmere",
    "Marbury",
    "Tern Island",
];

/// Word appended to a company stem, and the industry it implies.
pub const COMPANY_KINDS: &[(&str, &str)] = &[
    ("Foods", "Food & Beverage"),
    ("Dairy", "Food & Beverage"),
    ("Brewing Co.", "Food & Beverage"),
    ("Beverages", "Food & Beverage"),
    ("Bottling", "Food & Beverage"),
    ("Ingredients", "Food & Beverage"),
    ("Sugar", "Food & Beverage"),
    ("Distillery", "Food & Beverage"),
    ("Water Authority", "Water Utilities"),
    ("Water District", "Water Utilities"),
    ("Municipal Utilities", "Water Utilities"),
    ("Wastewater Services", "Water Utilities"),
    ("Utilities", "Water Utilities"),
    ("Chemicals", "Chemicals"),
    ("Specialty Chemicals", "Chemicals"),
    ("Coatings", "Chemicals"),
    ("Chemical Works", "Chemicals"),
    ("Paper Mill", "Pulp & Paper"),
    ("Paper & Packaging", "Pulp & Paper"),
    ("Pulp", "Pulp & Paper"),
    ("Pharma", "Pharmaceuticals"),
    ("Biologics", "Pharmaceuticals"),
    ("Laboratories", "Pharmaceuticals"),
    ("Power", "Power Generation"),
    ("Energy", "Power Generation"),
    ("Generating Station", "Power Generation"),
    ("Mining", "Mining & Minerals"),
    ("Minerals", "Mining & Minerals"),
    ("Aggregates", "Mining & Minerals"),
    ("Metals", "Metals"),
    ("Steel", "Metals"),
    ("Foundry", "Metals"),
    ("Refining", "Oil & Gas"),
    ("Midstream", "Oil & Gas"),
    ("Petroleum", "Oil & Gas"),
    ("Plastics", "Plastics & Polymers"),
    ("Polymers", "Plastics & Polymers"),
    ("Resins", "Plastics & Polymers"),
    ("Textiles", "Textiles"),
    ("Fertilizer", "Agriculture"),
    ("Agri Products", "Agriculture"),
    ("Ethanol", "Biofuels"),
    ("Renewable Fuels", "Biofuels"),
    ("Cement", "Building Materials"),
    ("Glass", "Building Materials"),
    ("Manufacturing", "Industrial Manufacturing"),
    ("Industries", "Industrial Manufacturing"),
    ("Cosmetics", "Personal Care"),
];

/// Legal suffixes; the empty string means none.
pub const LEGAL_SUFFIXES: &[&str] = &[
    "Inc.",
    "LLC",
    "Ltd",
    "Corp.",
    "Co.",
    "Corporation",
    "GmbH",
    "B.V.",
    "S.A. de C.V.",
    "plc",
    "LP",
    "",
];

/// Fictional people's first names of diverse origins.
pub const FIRST_NAMES: &[&str] = &[
    "James",
    "Maria",
    "Wei",
    "Priya",
    "Oluwaseun",
    "Sofia",
    "Mateo",
    "Hannah",
    "Rajesh",
    "Mei",
    "Carlos",
    "Fatima",
    "Liam",
    "Aisha",
    "Dieter",
    "Anneke",
    "Kwame",
    "Yuki",
    "Tomasz",
    "Ingrid",
    "Diego",
    "Chloe",
    "Arjun",
    "Lucia",
    "Marcus",
    "Nkechi",
    "Hiroshi",
    "Elena",
    "Darnell",
    "Siobhan",
    "Pieter",
    "Ximena",
    "Omar",
    "Grace",
    "Vikram",
    "Leila",
    "Brandon",
    "Thi",
    "Minh",
    "Ana",
    "Stefan",
    "Keisha",
    "Ahmed",
    "Claire",
    "Ravi",
    "Jasmine",
    "Henrik",
    "Guadalupe",
    "Tyler",
    "Amara",
    "Sanjay",
    "Niamh",
    "Luis",
    "Ayesha",
    "Connor",
    "Eun-ji",
    "Frank",
    "Svetlana",
    "Jamal",
    "Lotte",
    "Manuel",
    "Rebecca",
    "Chidi",
    "Daniela",
    "Kenji",
    "Megan",
    "Farid",
    "Bridget",
    "Andrzej",
    "Camila",
    "Dmitri",
    "Erin",
    "Hamza",
    "Isabel",
    "Javier",
    "Kateryna",
    "Lars",
    "Monique",
    "Nikhil",
    "Olga",
    "Patrick",
    "Rosa",
    "Samir",
    "Tanya",
    "Uwe",
    "Valentina",
    "Wesley",
    "Yasmin",
    "Zainab",
    "Alejandro",
    "Beatriz",
    "Cheng",
    "Deepa",
    "Emeka",
    "Fiona",
    "Gustavo",
    "Hyun-woo",
    "Ines",
    "Jorge",
    "Kavya",
    "Lamar",
    "Marisol",
    "Nadia",
    "Oscar",
    "Paulina",
    "Quentin",
    "Rashid",
    "Shauna",
    "Takeshi",
    "Ursula",
    "Vanessa",
    "Wim",
    "Xavier",
    "Yolanda",
    "Zach",
    "Adaeze",
    "Bjorn",
    "Colleen",
    "Dev",
    "Esperanza",
    "Femi",
    "Gretchen",
    "Hector",
    "Imani",
    "Joost",
    "Kirsten",
    "Lorenzo",
    "Mohammed",
    "Naveen",
    "Orla",
    "Pradeep",
    "Renee",
    "Sergio",
    "Tamika",
    "Ulrich",
    "Veronica",
    "Walter",
    "Yusuf",
    "Dana",
    "Kevin",
    "Laura",
    "Mike",
    "Sarah",
    "Tom",
    "Jenny",
    "Rob",
];

/// Fictional people's last names of diverse origins.
pub const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Nguyen",
    "Schneider",
    "Patel",
    "Hernandez",
    "Kowalski",
    "O'Brien",
    "Li",
    "Johansson",
    "Van der Berg",
    "Mensah",
    "Tanaka",
    "Garcia",
    "Fischer",
    "Singh",
    "Murphy",
    "Rodriguez",
    "Chen",
    "Adeyemi",
    "Kim",
    "Novak",
    "Dubois",
    "Haddad",
    "Thompson",
    "Yamamoto",
    "Castillo",
    "Brennan",
    "De Vries",
    "Osei",
    "Sato",
    "Kaur",
    "Reyes",
    "Becker",
    "Wojcik",
    "Huang",
    "Mahmoud",
    "Walsh",
    "Morales",
    "Lindgren",
    "Okonkwo",
    "Park",
    "Rossi",
    "Sharma",
    "Jansen",
    "Whitaker",
    "Tran",
    "Delgado",
    "Kruger",
    "Abernathy",
    "Bakker",
    "Chowdhury",
    "Doyle",
    "Esposito",
    "Ferreira",
    "Gallagher",
    "Hoffmann",
    "Ibrahim",
    "Jimenez",
    "Kapoor",
    "Larsen",
    "McAllister",
    "Nakamura",
    "Olsen",
    "Pereira",
    "Qureshi",
    "Ramirez",
    "Stewart",
    "Torres",
    "Underwood",
    "Vasquez",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Alvarez",
    "Bishop",
    "Carvalho",
    "Dlamini",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Hartmann",
    "Iyer",
    "Jovanovic",
    "Keller",
    "Lopez",
    "Mokoena",
    "Mendoza",
    "Nwosu",
    "Ortiz",
    "Petrov",
    "Quinn",
    "Richter",
    "Suzuki",
    "Tiwari",
    "Ueda",
    "Vargas",
    "Wagner",
    "Yang",
    "Zhou",
    "Andersson",
    "Barrett",
    "Cruz",
    "Dawson",
    "Estrada",
    "Flores",
    "Greene",
    "Hayes",
    "Ito",
    "Jensen",
    "Kowalczyk",
    "Lambert",
    "Molina",
    "Nolan",
    "O'Connor",
    "Popescu",
    "Rasmussen",
    "Santos",
    "Takahashi",
    "Ulloa",
    "Verhoeven",
    "Warsame",
    "Yoon",
    "Zeller",
    "Acheampong",
    "Bauer",
    "Cardenas",
    "Diallo",
    "Edwards",
    "Fuentes",
    "Gonzalez",
    "Horvath",
    "Ivanova",
    "Jorgensen",
    "Kearney",
    "Lutz",
    "Moreau",
    "Nair",
    "Oyelaran",
    "Pham",
    "Rahman",
    "Schmidt",
    "Trujillo",
    "Van Dijk",
    "Wilkins",
    "Yadav",
    "Zamora",
    "Bhatt",
    "Coleman",
    "Duarte",
    "Engel",
    "Fitzgerald",
    "Gomez",
    "Hussain",
    "Ingram",
    "Jackson",
    "Kaminski",
    "Lee",
    "Mitchell",
    "Navarro",
    "Okoro",
    "Pruitt",
    "Reddy",
    "Sullivan",
    "Teixeira",
    "Vogel",
    "Wright",
    "Harrington",
    "Mbatha",
];

/// (city, state or region, country); mostly United States.
pub const CITIES: &[(&str, &str, &str)] = &[
    ("Dayton", "Ohio", "United States"),
    ("Toledo", "Ohio", "United States"),
    ("Akron", "Ohio", "United States"),
    ("Gary", "Indiana", "United States"),
    ("Fort Wayne", "Indiana", "United States"),
    ("Evansville", "Indiana", "United States"),
    ("Rockford", "Illinois", "United States"),
    ("Peoria", "Illinois", "United States"),
    ("Joliet", "Illinois", "United States"),
    ("Milwaukee", "Wisconsin", "United States"),
    ("Green Bay", "Wisconsin", "United States"),
    ("Grand Rapids", "Michigan", "United States"),
    ("Saginaw", "Michigan", "United States"),
    ("Cedar Rapids", "Iowa", "United States"),
    ("Davenport", "Iowa", "United States"),
    ("Omaha", "Nebraska", "United States"),
    ("Wichita", "Kansas", "United States"),
    ("Kansas City", "Missouri", "United States"),
    ("Tulsa", "Oklahoma", "United States"),
    ("Baton Rouge", "Louisiana", "United States"),
    ("Lake Charles", "Louisiana", "United States"),
    ("Beaumont", "Texas", "United States"),
    ("Pasadena", "Texas", "United States"),
    ("Corpus Christi", "Texas", "United States"),
    ("Amarillo", "Texas", "United States"),
    ("Mobile", "Alabama", "United States"),
    ("Chattanooga", "Tennessee", "United States"),
    ("Knoxville", "Tennessee", "United States"),
    ("Spartanburg", "South Carolina", "United States"),
    ("Charlotte", "North Carolina", "United States"),
    ("Roanoke", "Virginia", "United States"),
    ("Allentown", "Pennsylvania", "United States"),
    ("Erie", "Pennsylvania", "United States"),
    ("Scranton", "Pennsylvania", "United States"),
    ("Buffalo", "New York", "United States"),
    ("Syracuse", "New York", "United States"),
    ("Worcester", "Massachusetts", "United States"),
    ("Stockton", "California", "United States"),
    ("Fresno", "California", "United States"),
    ("Bakersfield", "California", "United States"),
    ("Spokane", "Washington", "United States"),
    ("Tacoma", "Washington", "United States"),
    ("Boise", "Idaho", "United States"),
    ("Pueblo", "Colorado", "United States"),
    ("Salt Lake City", "Utah", "United States"),
    ("Hamilton", "Ontario", "Canada"),
    ("Sarnia", "Ontario", "Canada"),
    ("Edmonton", "Alberta", "Canada"),
    ("Saskatoon", "Saskatchewan", "Canada"),
    ("Sherbrooke", "Quebec", "Canada"),
    ("Prince George", "British Columbia", "Canada"),
    ("Middlesbrough", "England", "United Kingdom"),
    ("Sheffield", "England", "United Kingdom"),
    ("Warrington", "England", "United Kingdom"),
    ("Stoke-on-Trent", "England", "United Kingdom"),
    ("Grangemouth", "Scotland", "United Kingdom"),
    ("Port Talbot", "Wales", "United Kingdom"),
    ("Ludwigshafen", "Rhineland-Palatinate", "Germany"),
    ("Leverkusen", "North Rhine-Westphalia", "Germany"),
    ("Duisburg", "North Rhine-Westphalia", "Germany"),
    ("Halle", "Saxony-Anhalt", "Germany"),
    ("Ingolstadt", "Bavaria", "Germany"),
    ("Rotterdam", "South Holland", "Netherlands"),
    ("Eindhoven", "North Brabant", "Netherlands"),
    ("Groningen", "Groningen", "Netherlands"),
    ("Geleen", "Limburg", "Netherlands"),
    ("Monterrey", "Nuevo León", "Mexico"),
    ("Saltillo", "Coahuila", "Mexico"),
    ("Querétaro", "Querétaro", "Mexico"),
    ("Coatzacoalcos", "Veracruz", "Mexico"),
    ("Guadalajara", "Jalisco", "Mexico"),
];

/// Job titles as leads type them into web forms, tidy and messy.
pub const LEAD_TITLES: &[&str] = &[
    "Maintenance Technician",
    "maintenance tech",
    "Maint. Supervisor",
    "Maintenance Manager",
    "Maintenance Planner",
    "Reliability Engineer",
    "Sr. Reliability Engineer",
    "Reliability Lead",
    "Process Engineer",
    "process engineer",
    "Chemical Engineer",
    "Project Engineer",
    "Senior Project Engineer",
    "Project Manager",
    "Capital Projects Manager",
    "Plant Manager",
    "Plant Mgr",
    "plant mgr.",
    "Asst. Plant Manager",
    "Operations Manager",
    "Ops Manager",
    "VP of Operations",
    "VP Operations",
    "Vice President, Manufacturing",
    "Director of Engineering",
    "Dir. Engineering",
    "Dir. Procurement",
    "Director, Supply Chain",
    "Procurement Manager",
    "Purchasing Manager",
    "purchasing",
    "Buyer",
    "Senior Buyer",
    "buyer/planner",
    "MRO Buyer",
    "Category Manager - MRO",
    "Materials Manager",
    "Storeroom Supervisor",
    "Chief Engineer",
    "Chief Operator",
    "Lead Operator",
    "Operator",
    "Shift Supervisor",
    "Production Supervisor",
    "Production Manager",
    "EHS Manager",
    "Environmental Coordinator",
    "Water Treatment Operator",
    "WWTP Superintendent",
    "Utilities Superintendent",
    "Utility Director",
    "Public Works Director",
    "I&C Technician",
    "I&E Tech",
    "instrument tech",
    "Controls Engineer",
    "Automation Engineer",
    "Electrical Supervisor",
    "Mechanical Engineer",
    "Design Engineer",
    "Facilities Manager",
    "Facilities Coordinator",
    "Engineering Manager",
    "Engineering Intern",
    "Student",
    "student",
    "Consultant",
    "Owner",
    "President",
    "CEO",
    "COO",
    "General Manager",
    "GM",
    "Site Lead",
    "Continuous Improvement Manager",
    "CI Lead",
    "Quality Manager",
    "QA/QC",
    "Validation Engineer",
    "Energy Manager",
    "Sustainability Manager",
    "Technical Director",
    "Head of Engineering",
    "mechanic",
    "Millwright",
    "Pipefitter",
    "Estimator",
    "Office Manager",
    "Admin",
    "Retired",
    "N/A",
    "eng",
    "Sr. Process Eng.",
    "Maintenance & Reliability Mgr",
];

/// (job title, buying role) for account contacts.
pub const CONTACT_ROLES: &[(&str, &str)] = &[
    ("Plant Manager", "decision_maker"),
    ("VP of Operations", "decision_maker"),
    ("Director of Engineering", "decision_maker"),
    ("Water Treatment Superintendent", "decision_maker"),
    ("Maintenance Manager", "champion"),
    ("Reliability Engineer", "champion"),
    ("Process Engineer", "technical"),
    ("Instrumentation & Controls Engineer", "technical"),
    ("Project Engineer", "technical"),
    ("Purchasing Manager", "procurement"),
    ("Senior Buyer", "procurement"),
    ("Category Manager, MRO", "procurement"),
    ("EHS Manager", "influencer"),
    ("Finance Controller", "influencer"),
    ("Operations Superintendent", "influencer"),
    ("Production Supervisor", "user"),
    ("Maintenance Technician", "user"),
    ("Lead Operator", "user"),
];

/// What Brightwater sells, as it appears in deal names.
pub const PRODUCTS: &[&str] = &[
    "ANSI process pump retrofit",
    "Dosing skid for chlorine",
    "Control valve package",
    "Annual maintenance contract",
    "Cooling water pump VFD upgrade",
    "Mechanical seal upgrade program",
    "Critical spares package",
    "Boiler feed pump replacement",
    "Sanitary pump standardization",
    "Metering pump replacement",
    "Magnetic flowmeter replacement",
    "Radar level transmitter rollout",
    "pH and ORP analyzer package",
    "Caustic dosing system",
    "Polymer make-down unit",
    "Slurry pump wear parts program",
    "Valve automation retrofit",
    "Pressure transmitter upgrade",
    "Instrument calibration contract",
    "Condition monitoring pilot",
    "Pump energy audit",
    "Lift station pump retrofit",
    "CIP supply pump upgrade",
    "Multistage pump overhaul",
    "Sodium hypochlorite dosing skid",
    "Wastewater pretreatment dosing package",
    "Actuator and positioner upgrade",
    "Diaphragm valve replacement",
    "Spare parts consignment program",
    "Emergency pump replacement",
    "Vertical turbine pump rebuild",
    "Sump pump replacement",
    "Steam control valve package",
    "Thermal mass flowmeter installation",
    "Service agreement renewal",
    "Lime slurry feed system",
];

/// Fictional competitors.
pub const COMPETITORS: &[&str] = &[
    "Corvane Flow Systems",
    "Delmar Pump & Valve",
    "Stanwick Fluid Technologies",
    "Tri-County Industrial Supply",
    "Kellerman Valve Co.",
    "Prairie Process Solutions",
    "Halberd Instruments",
    "Coastline Pump Service",
    "Braxton Controls",
    "Norrland Fluid Engineering",
];

/// Where leads come from.
pub const LEAD_SOURCES: &[&str] = &[
    "Web form",
    "Trade show",
    "Partner referral",
    "Inbound call",
    "Webinar",
    "Cold outreach",
    "Customer referral",
    "Existing customer",
    "LinkedIn",
    "Manufacturer referral",
    "Email campaign",
    "Catalog request",
];

/// Next steps as reps type them into the CRM.
pub const NEXT_STEPS: &[&str] = &[
    "Send revised quote w/ volume pricing",
    "Book site survey with plant engineering",
    "Chase PO from procurement",
    "Call {customer} re: budget approval",
    "Get nameplate photos for P1-P4",
    "Schedule demo of dosing skid at our shop",
    "Follow up after their board mtg",
    "send case study (seal retrofit) + ref contact",
    "Confirm lead time w/ factory before quoting",
    "Quote spares list by Fri",
    "Intro to their EPC via {customer}",
    "Waiting on P&IDs from process eng",
    "Send W-9 + COI to AP",
    "Revise scope - drop install, keep startup",
    "Check in after shutdown",
    "Push for decision by EOQ",
    "Ask for feedback on why we lost",
    "Set up reference call w/ water district",
    "Draft service contract renewal (2yr option)",
    "Negotiate payment terms - they want net 90",
    "Get engineering sign-off on submittals",
    "Send order ack + ship dates",
    "Chase backordered positioners on {order_no}",
    "Technical Q&A call with their I&C team",
    "Prepare budgetary estimate for capex request",
    "Ping {customer} - no reply in 2 wks",
    "Walkdown of pump house w/ application engineer",
    "Loop in our instrumentation engineer",
    "Send updated warranty terms (18 mo from startup)",
    "Send redlines to legal",
    "Confirm install dates against shutdown schedule",
    "Close out - PO received",
    "Re-quote with carbon steel baseplates",
    "Sort out vendor setup form",
    "Energy savings calc for VFD option",
    "Call back Tues",
    "Demo? maybe. Ask first",
    "Confirm who signs off above 50k",
    "Follow up on {competitor} pricing comparison",
    "Submit bid package by {date}",
    "Nurture - revisit in Q3",
    "Invite to valve maintenance training day",
    "Chase vibration data from maintenance",
    "Book safety induction for site access",
    "Reschedule mtg - {customer} out sick",
    "Send pricing for consignment stock option",
    "Confirm budget holder (ops or maintenance?)",
    "Price hold expires {date} - remind them",
    "Align with inside sales on spares pricing",
    "Book commissioning tech for week of {date}",
    "Present final proposal to plant mgr + finance",
    "Walk through rev 4 of quote on Monday",
    "Send meeting notes + action list",
    "Nothing until new FY budget. Check in Jan",
    "Collect failed seal for teardown analysis",
    "Put lead time commitment in writing",
    "Discovery call booked",
    "LVM, try again Thurs",
    "Get {qty} pump serials for warranty lookup",
    "Ask {customer2} for the tank chemistry data",
];

/// (activity kind, subject); kinds are call, visit, meeting, check_in, email, note.
pub const ACTIVITY_SUBJECTS: &[(&str, &str)] = &[
    ("call", "Intro call with {customer}"),
    ("call", "Follow-up call re: quote"),
    ("call", "Call re: backorder on {order_no}"),
    ("call", "Discovery call - dosing upgrade"),
    ("call", "Pricing discussion"),
    ("call", "Call w/ procurement on terms"),
    ("call", "Quick call - lead time question"),
    ("call", "Returned voicemail from {customer}"),
    ("call", "Complaint call - late delivery"),
    ("call", "Budget check call"),
    ("call", "Call with {customer2} re: specs"),
    ("visit", "Site survey at {site}"),
    ("visit", "Pump house walkdown"),
    ("visit", "Plant visit - new line tour"),
    ("visit", "On-site startup support"),
    ("visit", "Visit to review seal failures"),
    ("visit", "Lunch & learn at {site}"),
    ("visit", "Site visit with application engineer"),
    ("visit", "Commissioning visit"),
    ("visit", "Storeroom review for consignment stock"),
    ("visit", "Drop off samples + catalogs"),
    ("visit", "Visit after pump failure"),
    ("meeting", "Quarterly account review"),
    ("meeting", "Proposal presentation to plant mgmt"),
    ("meeting", "Kickoff meeting - {product}"),
    ("meeting", "Negotiation meeting with purchasing"),
    ("meeting", "Technical review of submittals"),
    ("meeting", "Internal deal review"),
    ("meeting", "Meeting w/ EPC engineering team"),
    ("meeting", "Contract renewal meeting"),
    ("meeting", "Lessons learned review after startup"),
    ("meeting", "Capex planning session"),
    ("meeting", "Safety & access briefing"),
    ("check_in", "Checking in after install"),
    ("check_in", "Check-in: how are the new seals holding up"),
    ("check_in", "Post-delivery check-in"),
    ("check_in", "Monthly check-in"),
    ("check_in", "Check in on budget approval"),
    ("check_in", "Quick check-in re: PO status"),
    ("check_in", "Check-in after complaint resolution"),
    ("check_in", "Check-in with new maintenance manager"),
    ("check_in", "Touch base before shutdown"),
    ("check_in", "Check-in: calibration results"),
    ("check_in", "End-of-year check-in"),
    ("email", "Revised quote attached"),
    ("email", "Re: lead time on {order_no}"),
    ("email", "Case study - seal retrofit"),
    ("email", "Order acknowledgment {order_no}"),
    ("email", "Meeting recap and next steps"),
    ("email", "Price increase notice"),
    ("email", "Warranty terms clarification"),
    ("email", "Spares list for review"),
    ("email", "Re: invoice correction"),
    ("email", "Intro - Brightwater Industrial Supply"),
    ("email", "Renewal paperwork for service contract"),
    ("note", "Customer mentioned budget freeze until Q3"),
    ("note", "Plant mgr prefers phone over email"),
    ("note", "Competitor quote seen - hardware only"),
    ("note", "Decision maker is VP Ops, not plant"),
    ("note", "Shutdown dates confirmed for October"),
    ("note", "Account at risk after late delivery"),
    ("note", "New maintenance mgr starting in June"),
    ("note", "Procurement requires 3 bids over 50k"),
    ("note", "Reference call went well"),
    ("note", "Internal: margin approval needed"),
    ("note", "Customer asked about consignment stock"),
];

/// Order descriptions.
pub const ORDER_LINES: &[&str] = &[
    "Mechanical seal kit, 12 units",
    "Mechanical seal kit, {qty} units",
    "Replacement impeller (316SS)",
    "Cartridge seal, 1.875 in. shaft",
    "Bearing housing rebuild kit",
    "Casing gasket set, 24 pcs",
    "Wear ring set (bronze)",
    "Metering pump diaphragm, 6 units",
    "Check valve cartridge kit",
    "Control valve trim set, 3 in. globe",
    "Digital valve positioner (HART)",
    "Pneumatic actuator, size 60",
    "Limit switch box, 4 units",
    "Magnetic flowmeter, 4 in., PTFE liner",
    "Pressure transmitter, 0-300 psi, 8 units",
    "Radar level transmitter, 2 units",
    "pH sensor, replacement, {qty} units",
    "Conductivity sensor, sanitary clamp",
    "Calibration service, 14 instruments",
    "ANSI pump, 3x2-10, duplex SS",
    "Sanitary centrifugal pump, 2 in.",
    "Metering pump, 40 GPH, PVDF head",
    "VFD, 75 hp, 480V",
    "Flexible coupling assembly",
    "Shaft sleeve (Hastelloy C)",
    "Motor, 50 hp TEFC",
    "Baseplate, epoxy-coated carbon steel",
    "Seal support system, Plan 53A",
    "Diaphragm valve, 1.5 in., EPDM",
    "Butterfly valve, 8 in., lug style",
    "Ball valve, 2 in., 316SS, 10 units",
    "Tubing and fittings kit",
    "Injection quill, 6 units",
    "Calibration column for dosing skid",
    "Pulsation dampener",
    "Back pressure valve, 1 in.",
    "Wireless vibration sensor, 20 units",
    "O-ring kit (Viton), assorted",
    "Lobe pump rotor set",
    "Slurry pump liner set",
    "Vertical turbine bowl assembly",
    "Thermal mass flowmeter, 2 in.",
    "Field service labor, 16 hrs",
    "Startup and commissioning, 2 days",
    "Expedited freight",
    "Annual maintenance contract, Q3 billing",
];

/// Why an order line is back-ordered.
pub const BACKORDER_REASONS: &[&str] = &[
    "Manufacturer lead time extended on cast impellers",
    "Positioner electronics on allocation at the factory",
    "Stainless castings delayed at the foundry",
    "Motor supplier quoting 10 extra weeks",
    "Waiting on duplex stainless bar stock for shafts",
    "Wrong part received from factory, replacement in transit",
    "Factory quality hold on seal faces",
    "Port congestion delaying inbound container",
    "Supplier changed part number, re-approval needed",
    "Stock count error, item not actually on hand",
    "Customer-specified coating adds 3 weeks",
    "Carrier lost a pallet in transit, reshipping",
    "VFD shipments constrained by component shortage",
    "Awaiting customer approval of revised drawing",
];

/// Customer issue templates.
pub const ISSUES: &[IssueSeed] = &[
    IssueSeed {
        kind: "complaint",
        severity: "high",
        summary: "Order {order_no} arrived nine days late with no advance notice; receiving found out when the truck showed up.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "medium",
        summary: "Wrong seal kit shipped on {order_no}; box label did not match the packing slip and the pump was already torn down.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "low",
        summary: "Invoice on {order_no} billed the full service contract instead of the agreed quarterly installment.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "medium",
        summary: "Service desk did not return four calls and two emails during a pump outage.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "low",
        summary: "Calibration certificates missing from instrument shipment; customer chased them for two weeks.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "high",
        summary: "Second missed ship date on back-ordered positioners now threatens the shutdown schedule at {site}.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "low",
        summary: "Quote for standard spares took a week to turn around.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "medium",
        summary: "Field tech arrived without the right replacement parts and had to come back the next day.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "low",
        summary: "PM visit report delivered three weeks after the visit; customer needs it for the audit file.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "medium",
        summary: "Freight charged on an order quoted as delivered (DAP) to {site}.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "high",
        summary: "Split shipment not communicated; {qty} items still missing and the line was scheduled around full delivery.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "critical",
        summary: "Repeated late deliveries; plant manager has asked procurement to qualify {competitor} as an alternative supplier.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "low",
        summary: "Reorder price on standard seal kits higher than last order, with no notice of an increase.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "medium",
        summary: "Crate damaged on arrival; flowmeter flange scratched and rejected by incoming QA.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "medium",
        summary: "Different technician on every service visit; customer says nobody remembers the site setup.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "high",
        summary: "Credit promised for the late delivery on {order_no} has not appeared after two statements.",
    },
    IssueSeed {
        kind: "complaint",
        severity: "critical",
        summary: "Field crew entered a confined space without the customer's permit; EHS has stopped all Brightwater work on site.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "critical",
        summary: "Transfer pump failed three weeks after commissioning; line 3 is down until it is repaired.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "high",
        summary: "Mechanical seal leaking caustic on pump 2 at {site}; area isolated, running on the standby pump.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "medium",
        summary: "Flow transmitters on the east header drifting about 3% high against the reference meter.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "critical",
        summary: "Chlorine dosing skid lost prime overnight; residual fell below the permit minimum for two hours.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "high",
        summary: "New VFD tripping on overcurrent several times a shift since startup.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "medium",
        summary: "Control valve hunting at low flow after positioner replacement; operators running it in manual.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "low",
        summary: "Pressure gauge on the dosing skid reading wrong; no process impact.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "medium",
        summary: "Bearing temperature alarm on the rebuilt boiler feed pump within a month of the overhaul.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "high",
        summary: "pH probes failing every two weeks on the neutralization tank; effluent running close to permit limits.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "low",
        summary: "Minor weep from a casing gasket found on the routine PM visit.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "critical",
        summary: "Recently rebuilt lift station pump seized during a storm; overflow risk reported to the regulator.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "medium",
        summary: "Metering pump output 15% below setpoint after a diaphragm change.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "high",
        summary: "Excessive vibration on new ANSI pump; readings three times the acceptance limit since startup.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "low",
        summary: "HART diagnostics from the new positioners not showing up in the asset management system.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "medium",
        summary: "Radar level transmitter losing its echo during tank filling, causing false high-level alarms.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "high",
        summary: "Impeller on slurry duty worn out after six weeks, far sooner than quoted wear life.",
    },
    IssueSeed {
        kind: "service_failure",
        severity: "low",
        summary: "Calibration sticker dates on two instruments do not match the certificates.",
    },
];

/// Past projects that quotations can cite.
pub const PROJECTS: &[ProjectSeed] = &[
    ProjectSeed {
        title: "Transfer pump reliability upgrade",
        client: "Harlow Creek Foods",
        industry: "Food & Beverage",
        year: 2019,
        summary: "Replaced six end-suction transfer pumps on the syrup and CIP lines with back pull-out units fitted with cartridge seals, and corrected the suction piping on the two worst duties after an NPSH and vibration survey. Mean time between seal failures went from 7 weeks to more than 11 months. Unplanned downtime on line 3 fell by 38% over the following 12 months.",
        capabilities: &[
            "Pump retrofit",
            "Mechanical seals",
            "Engineering design",
            "Installation",
        ],
        value_usd: 412_000,
    },
    ProjectSeed {
        title: "Chlorine dosing skid replacement",
        client: "Pell River Water Authority",
        industry: "Water Utilities",
        year: 2020,
        summary: "Designed and supplied two duty/standby sodium hypochlorite dosing skids with flow-paced control and residual feedback. Chlorine residual variation at the plant outlet dropped from ±0.6 mg/L to ±0.15 mg/L, and manual stroke adjustments stopped entirely. Chemical consumption fell 14% in the first year.",
        capabilities: &[
            "Chemical dosing",
            "Skid fabrication",
            "Process instrumentation",
            "Commissioning",
        ],
        value_usd: 286_500,
    },
    ProjectSeed {
        title: "Cooling water pump VFD retrofit",
        client: "Valtbrook Chemicals",
        industry: "Chemicals",
        year: 2021,
        summary: "Added variable frequency drives to four 200 hp cooling water pumps and removed the throttling valves from the discharge headers. Pump energy use fell 31%, about $118,000 a year at the site's power rate. Simple payback came in at 22 months.",
        capabilities: &[
            "Variable frequency drives",
            "Energy audit",
            "Installation",
            "Commissioning",
        ],
        value_usd: 540_000,
    },
    ProjectSeed {
        title: "Control valve package for digester upgrade",
        client: "Tamarack Paper Mill",
        industry: "Pulp & Paper",
        year: 2018,
        summary: "Supplied 42 control valves with HART digital positioners for a batch digester modernization, including sizing, noise calculations and bench testing before shipment. Loop tuning at startup took half the time the mill had planned. Average cook cycle shortened by 9 minutes.",
        capabilities: &[
            "Control valves",
            "Valve automation",
            "Engineering design",
            "Commissioning",
        ],
        value_usd: 1_180_000,
    },
    ProjectSeed {
        title: "WFI loop instrumentation replacement",
        client: "Linden Hall Pharma",
        industry: "Pharmaceuticals",
        year: 2022,
        summary: "Replaced conductivity, TOC and temperature instrumentation on a water-for-injection loop under validated change control, with IQ/OQ documentation and traceable calibration certificates. The loop passed requalification on the first attempt. Out-of-spec alarms dropped from 14 a month to 2.",
        capabilities: &[
            "Process instrumentation",
            "Calibration",
            "Sanitary design",
            "Commissioning",
        ],
        value_usd: 236_000,
    },
    ProjectSeed {
        title: "Tailings slurry pump wear program",
        client: "Cobalt Ridge Mining",
        industry: "Mining & Minerals",
        year: 2019,
        summary: "Introduced hard-metal slurry pumps with adjustable suction liners and a quarterly wear-measurement route on the tailings circuit. Liner life went from 9 to 16 weeks. Spare parts spend on the circuit fell 27% year over year.",
        capabilities: &[
            "Pump retrofit",
            "Condition monitoring",
            "Spare parts program",
            "Field service",
        ],
        value_usd: 690_000,
    },
    ProjectSeed {
        title: "Maintenance agreement for two treatment plants",
        client: "Eastvale Water District",
        industry: "Water Utilities",
        year: 2023,
        summary: "Three-year maintenance agreement covering 118 pumps and 60 instruments across two treatment plants, with quarterly preventive visits and four-hour emergency response. Pump availability rose from 96.1% to 99.3% in the first year. Emergency callouts fell by half.",
        capabilities: &[
            "Field service",
            "Calibration",
            "Spare parts program",
            "Condition monitoring",
        ],
        value_usd: 384_000,
    },
    ProjectSeed {
        title: "Boiler feed pump replacement",
        client: "Silver Fork Energy",
        industry: "Power Generation",
        year: 2017,
        summary: "Replaced two 250 hp multistage boiler feed pumps during a 10-day outage, including new baseplates, laser alignment and vibration baselining. The work finished a day ahead of the outage schedule. Vibration on the new units measured about a third of the old ones.",
        capabilities: &[
            "Pump retrofit",
            "Installation",
            "Condition monitoring",
            "Commissioning",
        ],
        value_usd: 760_000,
    },
    ProjectSeed {
        title: "Flowmeter verification and replacement",
        client: "Northgate Municipal Utilities",
        industry: "Water Utilities",
        year: 2021,
        summary: "Verified 22 magnetic flowmeters in place on the raw water and effluent lines and replaced the 7 that failed tolerance. Reported effluent flow now reconciles with the plant mass balance within 1.2%, down from 6%. The utility closed a regulator finding that had been open for two years.",
        capabilities: &["Flow measurement", "Calibration", "Process instrumentation"],
        value_usd: 148_000,
    },
    ProjectSeed {
        title: "Sanitary pump standardization",
        client: "Upland Dairy",
        industry: "Food & Beverage",
        year: 2020,
        summary: "Standardized 31 sanitary centrifugal and lobe pumps across three lines on four models, replacing nine different makes. Spare parts stock went from 410 SKUs to 96, freeing about $210,000 of inventory. Seal kits are now common across every product changeover.",
        capabilities: &[
            "Sanitary design",
            "Spare parts program",
            "Pump retrofit",
            "Engineering design",
        ],
        value_usd: 655_000,
    },
    ProjectSeed {
        title: "Caustic service pump upgrade",
        client: "Pinecrest Pulp",
        industry: "Pulp & Paper",
        year: 2022,
        summary: "Upgraded four pumps in 50% caustic service to duplex stainless with double cartridge seals and a Plan 53A seal support system. There have been no seal failures in the 18 months since startup, against an average of one every five weeks before.",
        capabilities: &[
            "Pump retrofit",
            "Mechanical seals",
            "Engineering design",
            "Installation",
        ],
        value_usd: 318_000,
    },
    ProjectSeed {
        title: "Pickling line acid dosing control",
        client: "Halvorsen Metals",
        industry: "Metals",
        year: 2018,
        summary: "Replaced manual acid addition on the pickling line rinse with metering pumps under pH feedback control. pH excursions outside permit limits went from 11 in a year to zero. Acid consumption fell 19%.",
        capabilities: &[
            "Chemical dosing",
            "Process instrumentation",
            "Engineering design",
            "Commissioning",
        ],
        value_usd: 174_000,
    },
    ProjectSeed {
        title: "Tank farm level instrumentation",
        client: "Redwater Refining",
        industry: "Oil & Gas",
        year: 2023,
        summary: "Installed radar level transmitters and independent high-level switches on 14 tanks, including hazardous-area installation and loop checks. Overfill near-misses dropped to zero in the following year. Operators stopped manual dipping on 12 of the 14 tanks, saving about 6 hours per shift.",
        capabilities: &[
            "Process instrumentation",
            "Hazardous area installation",
            "Installation",
            "Commissioning",
        ],
        value_usd: 512_000,
    },
    ProjectSeed {
        title: "Fermentation suite valve automation",
        client: "Quillan Biologics",
        industry: "Pharmaceuticals",
        year: 2024,
        summary: "Automated 64 manual valves in the fermentation and media prep area with sanitary diaphragm valves and smart actuators. Batch setup time dropped from 95 to 40 minutes. Operator-error deviations, previously about two a quarter, have not recurred.",
        capabilities: &[
            "Valve automation",
            "Sanitary design",
            "Control valves",
            "Commissioning",
        ],
        value_usd: 1_460_000,
    },
    ProjectSeed {
        title: "DAF pretreatment pump and polymer package",
        client: "Juniper Flats Foods",
        industry: "Food & Beverage",
        year: 2021,
        summary: "Supplied recycle and sludge pumps plus a polymer make-down and dosing system for a new dissolved air flotation unit. Effluent FOG stayed below the city's 100 mg/L limit from the first month. That ended sewer surcharges of roughly $7,500 a month.",
        capabilities: &[
            "Chemical dosing",
            "Pump retrofit",
            "Skid fabrication",
            "Commissioning",
        ],
        value_usd: 398_000,
    },
    ProjectSeed {
        title: "Brewery CIP system refurbishment",
        client: "Glenharrow Brewing Co.",
        industry: "Food & Beverage",
        year: 2019,
        summary: "Rebuilt the CIP supply pumps, replaced the conductivity sensors and added return-flow measurement on every circuit. CIP cycle time fell by 22 minutes per circuit. Caustic use dropped 17% in the first year.",
        capabilities: &[
            "Sanitary design",
            "Process instrumentation",
            "Pump retrofit",
            "Field service",
        ],
        value_usd: 142_000,
    },
    ProjectSeed {
        title: "Condition monitoring pilot",
        client: "Ironvale Steel",
        industry: "Metals",
        year: 2024,
        summary: "Fitted wireless vibration and temperature sensors to 40 critical pumps and fans, with monthly analysis reports reviewed with the reliability team. Two bearing failures were caught weeks ahead in the first 6 months. The mill puts the avoided downtime at $340,000.",
        capabilities: &["Condition monitoring", "Field service", "Operator training"],
        value_usd: 96_000,
    },
    ProjectSeed {
        title: "Ammonia refrigeration valve replacement",
        client: "Valemont Foods",
        industry: "Food & Beverage",
        year: 2017,
        summary: "Replaced 38 hand and control valves on an ammonia refrigeration system in phased weekend outages without interrupting cold storage. Refrigerant losses dropped by 60% over the following year, and the site passed its next PSM audit with no valve findings.",
        capabilities: &[
            "Control valves",
            "Installation",
            "Hazardous area installation",
        ],
        value_usd: 265_000,
    },
    ProjectSeed {
        title: "Beer feed and stillage pump retrofit",
        client: "Prairie Wind Ethanol",
        industry: "Biofuels",
        year: 2020,
        summary: "Replaced undersized beer feed and whole stillage pumps and reworked two suction headers. Plant throughput rose 6% without other bottleneck changes. Pump-related downtime went from 41 hours in the prior year to 7.",
        capabilities: &[
            "Pump retrofit",
            "Engineering design",
            "Installation",
            "Commissioning",
        ],
        value_usd: 587_000,
    },
    ProjectSeed {
        title: "Lime slurry feed system",
        client: "Kelso Water Authority",
        industry: "Water Utilities",
        year: 2018,
        summary: "Replaced a lime slurry loop that plugged several times a week with a recirculating loop, peristaltic feed pumps and pinch valves. Line plugging went from about three events a week to one a quarter. Operator time on the system fell by roughly 10 hours a week.",
        capabilities: &[
            "Chemical dosing",
            "Engineering design",
            "Skid fabrication",
            "Installation",
        ],
        value_usd: 228_000,
    },
    ProjectSeed {
        title: "Stock prep control valve replacement",
        client: "Nordale Paper & Packaging",
        industry: "Pulp & Paper",
        year: 2023,
        summary: "Replaced 26 worn stock and dilution control valves with segmented ball valves and digital positioners. Basis weight variation on the machine dropped 23%. Valve-related work orders fell from 15 to 3 per quarter.",
        capabilities: &["Control valves", "Valve automation", "Field service"],
        value_usd: 436_000,
    },
    ProjectSeed {
        title: "Spare parts consignment program",
        client: "Bellrock Chemicals",
        industry: "Chemicals",
        year: 2022,
        summary: "Set up an on-site consignment stock of 140 critical spares with quarterly counts and automatic replenishment. Rush orders fell 71% in the first year. The site reduced its own spares inventory by $180,000.",
        capabilities: &["Spare parts program", "Field service"],
        value_usd: 120_000,
    },
    ProjectSeed {
        title: "Polymer reactor dosing skid",
        client: "Foxhollow Polymers",
        industry: "Plastics & Polymers",
        year: 2021,
        summary: "Designed a two-stream catalyst and additive dosing skid with Coriolis flow measurement and closed-loop control. Dosing accuracy improved from ±4% to ±0.5%. Off-spec batches fell from 3.1% to 0.8% of production.",
        capabilities: &[
            "Chemical dosing",
            "Skid fabrication",
            "Flow measurement",
            "Engineering design",
        ],
        value_usd: 348_000,
    },
    ProjectSeed {
        title: "Cement plant slurry valve upgrade",
        client: "Dunmore Cement",
        industry: "Building Materials",
        year: 2018,
        summary: "Replaced slurry and water valves on the raw mill with ceramic-lined knife gate and pinch valves. Average valve life increased from 4 months to over 2 years. Mill stoppages caused by valve failures went from 9 a year to 1.",
        capabilities: &["Control valves", "Installation", "Spare parts program"],
        value_usd: 204_000,
    },
    ProjectSeed {
        title: "Bottling line pump package",
        client: "Solano Beverages",
        industry: "Food & Beverage",
        year: 2024,
        summary: "Supplied and commissioned sanitary product and syrup pumps for a new bottling line in Monterrey, with bilingual operator training. The line reached rated speed four weeks after first production, two weeks ahead of plan. Product losses at changeover dropped 12% against the existing lines.",
        capabilities: &[
            "Sanitary design",
            "Pump retrofit",
            "Commissioning",
            "Operator training",
        ],
        value_usd: 472_000,
    },
    ProjectSeed {
        title: "Purified water pump retrofit",
        client: "Hartwell Pharma",
        industry: "Pharmaceuticals",
        year: 2025,
        summary: "Replaced purified water distribution pumps with sanitary units on VFDs under a validated change, completed inside a planned 5-day shutdown. Loop return velocity now holds above 1 m/s at all demand levels. Pump energy use dropped 26%.",
        capabilities: &[
            "Sanitary design",
            "Variable frequency drives",
            "Commissioning",
            "Calibration",
        ],
        value_usd: 268_000,
    },
    ProjectSeed {
        title: "Thickener underflow instrumentation",
        client: "Jessup Minerals",
        industry: "Mining & Minerals",
        year: 2023,
        summary: "Added density and flow measurement to two thickener underflow lines and tied them to variable-speed pump control. Underflow density variation fell by 45%. Flocculant use dropped 11% as the operators stopped overdosing to stay safe.",
        capabilities: &[
            "Process instrumentation",
            "Flow measurement",
            "Variable frequency drives",
            "Commissioning",
        ],
        value_usd: 315_000,
    },
    ProjectSeed {
        title: "Lift station pump retrofit",
        client: "Riverton Water District",
        industry: "Water Utilities",
        year: 2022,
        summary: "Replaced the pumps at four lift stations with non-clog units and added level transmitters and remote alarms. Ragging callouts fell from 26 in the previous year to 4. There were no overflows through two major storms in the first season.",
        capabilities: &[
            "Pump retrofit",
            "Process instrumentation",
            "Installation",
            "Field service",
        ],
        value_usd: 610_000,
    },
    ProjectSeed {
        title: "Dye house chemical dosing",
        client: "Wrenfield Textiles",
        industry: "Textiles",
        year: 2019,
        summary: "Automated dosing of dyes and auxiliaries to 12 dye machines from a central kitchen with metering pumps and flow verification. Shade corrections dropped from 14% of lots to 5%. Chemical costs fell by about $90,000 a year.",
        capabilities: &[
            "Chemical dosing",
            "Flow measurement",
            "Engineering design",
            "Operator training",
        ],
        value_usd: 255_000,
    },
    ProjectSeed {
        title: "Sulfuric acid pump upgrade",
        client: "Amberfield Fertilizer",
        industry: "Agriculture",
        year: 2021,
        summary: "Replaced three acid circulation pumps with alloy vertical pumps and upgraded the seals and bearings for high-temperature service. Mean time between repairs went from 5 months to over 2 years. Maintenance cost on the acid plant pumps fell 48%.",
        capabilities: &[
            "Pump retrofit",
            "Mechanical seals",
            "Installation",
            "Field service",
        ],
        value_usd: 530_000,
    },
    ProjectSeed {
        title: "Plant-wide pump energy audit",
        client: "Copperline Industries",
        industry: "Industrial Manufacturing",
        year: 2025,
        summary: "Measured flow, head and power on the 25 largest pumps on site and benchmarked each against its best efficiency point. The audit identified $164,000 a year in savings, and the first phase of VFD and impeller trim work delivered 19% lower pump energy use within 6 months.",
        capabilities: &[
            "Energy audit",
            "Variable frequency drives",
            "Engineering design",
        ],
        value_usd: 58_000,
    },
    ProjectSeed {
        title: "Emergency pump replacement after flooding",
        client: "Fairhaven Water Authority",
        industry: "Water Utilities",
        year: 2024,
        summary: "Supplied and installed three temporary pumps within 36 hours of a raw water intake flood, then replaced the damaged high-lift pumps and motors. The plant never dropped below 70% of rated output. Permanent pumps were back in service in 9 weeks against a 16-week estimate.",
        capabilities: &[
            "Field service",
            "Pump retrofit",
            "Installation",
            "Commissioning",
        ],
        value_usd: 845_000,
    },
    ProjectSeed {
        title: "Refinery sour water pump reliability",
        client: "Stonebridge Petroleum",
        industry: "Oil & Gas",
        year: 2017,
        summary: "Replaced sour water stripper feed pumps with API-compliant units and dual pressurized seals after repeated seal fires. Mean time between failures rose from 4 months to over 30 months. The unit has had no seal-related environmental releases since.",
        capabilities: &[
            "Pump retrofit",
            "Mechanical seals",
            "Hazardous area installation",
            "Commissioning",
        ],
        value_usd: 1_920_000,
    },
    ProjectSeed {
        title: "Multi-site calibration contract",
        client: "Marlowe Specialty Chemicals",
        industry: "Chemicals",
        year: 2020,
        summary: "Took over calibration of 640 instruments across three plants with a risk-based interval program. Overdue calibrations went from 18% to under 1% within nine months. Intervals were extended on 210 stable instruments, cutting annual calibration hours by 22%.",
        capabilities: &["Calibration", "Process instrumentation", "Field service"],
        value_usd: 290_000,
    },
];

/// Rough notes as an account manager types them after a meeting.
pub const MEETING_NOTES: &[&str] = &[
    "Disco call w/ {customer} ({account})\n- 3 lines, 2 shifts, 3rd shift May-Sep\n- seals failing every 6-8 wks on transfer pumps, ~half day down each time\n- suspects cavitation on suction side, nobody has measured\n- in-house maint, 4 mechanics, stretched thin\n- next: site survey wk of {date}, I'll send invite today",
    "Site survey {site}\n- walked pump house w/ {customer2} + our app eng\n- P2 cavitating, suction line undersized + 2 elbows right at inlet\n- P3/P4 ok, rebuild candidates\n- took vib readings, report to {customer} by Fri\n- {customer} wants budget # before capex mtg {date}",
    "Negotiation w/ {customer} + {customer2} (purchasing)\n- they want 10% off, I offered 5% w/ 2yr service agmt\n- payment: asked net 90, landed net 60\n- warranty 18 mo from startup - NEED MFR CONFIRMATION\n- {competitor} ~7% lower but no piping change in their scope\n- I'll send rev 4 by Thurs\n- PO target {date}",
    "QBR {account}\n- {qty} orders this qtr, {amount} total, up vs last qtr\n- {order_no} still backordered (2 positioners), promised firm date by Fri\n- service: 2 callouts, both inside 4hr window\n- maint mgr retiring June, replacement TBD\n- opp: boiler feed pumps (2x 150hp), specs coming from {customer2}",
    "Complaint call - {customer} very upset\n- wrong seal kits on {order_no}, pump already torn down\n- line 3 down, ~{amount}/day lost production\n- took ownership. correct kits next-day air today, I checked PNs myself\n- rental pump -> we cover\n- OT hours: asked for timesheets, need mgr approval\n- RCA within 10 days. call {customer} tmrw after tech leaves",
    "Call w/ {customer}\n- budget approved but finance cut ~12%\n- options: drop SS baseplates, remote training, single shipment\n- ok w/ rebuild P3/P4 instead of replace, saves roughly 30% on those two\n- revised quote EOW",
    "Lunch w/ {customer} near {site}\n- line 4 coming, construction starts spring\n- outside EPC doing the engineering, {customer} will intro me\n- wants same pumps/valves as lines 1-3 for spares commonality\n- follow up next Tues",
    "Tech review of submittals\n- {customer2} flagged flange rating on FT-101 (needs 300#)\n- positioner DD files confirmed for their DCS\n- approval expected by {date}, then fab starts\n- I'll update GA drawings + resend by Wed",
    "Intro mtg {account} (utility)\n- {customer} = superintendent, {customer2} = chief operator\n- chlorine residual swings, operators adjusting stroke 2-3x/shift\n- permit exceedance in Feb, board is watching\n- analyzer 10+ yrs old\n- interested in flow-paced dosing skid. send case study + Pell River ref",
    "Internal deal review - {account} / {product}\n- value {amount}, close {date}\n- risk: {competitor} is incumbent on catalog items\n- need margin approval for 5% disc\n- champion = {customer}, DM = VP Ops (haven't met yet!!)\n- action: get in front of VP before proposal goes out",
    "Check-in call {customer}\n- new seals holding, no failures since install\n- minor weep on casing gasket P1, tech to look at next PM\n- asked about spares pricing, sent tier list\n- happy overall",
    "Visit after pump failure @ {site}\n- P2 seized, bearing failure + seal damage\n- low-level switch on feed tank unreliable -> possible dry run?\n- not blaming customer yet, seal going to mfr for teardown\n- loaner pump delivered today, no charge\n- repair timeline answer by {date}",
    "Call w/ {customer2} (AP)\n- invoice on {order_no} billed full yr instead of qtrly\n- voided + reissued today\n- fixed billing schedule in system, sent screenshot\n- {customer2} wants one contact for billing -> me for now",
    "Proposal presentation to plant mgmt\n- plant mgr + finance + {customer}\n- finance focused on payback, we showed 22 mo on the VFDs\n- plant mgr worried about shutdown timing. lead time 14 wks, so order by end of July\n- good energy in the room. {customer} says decision by EOM",
    "Lost deal review {account}\n- went w/ {competitor}, price ~9% lower\n- {customer} said our tech proposal was better but couldn't justify the diff\n- still open to us for service work\n- lesson: bring a lower-cost option next time, not just the 'right' one",
    "Renewal mtg - service contract\n- proposed 3.5%, they budgeted 2%\n- offered 2.5% fixed if 2yr renewal\n- {customer2} taking it to finance, answer by {date}\n- also want a named primary tech. check w/ service mgr",
    "Phone w/ {customer}\n- spending freeze til Q3\n- maint budget has some room -> critical spares + service agmt now, capital later\n- I'll send phased proposal by Fri\n- call again {date}",
    "Startup @ {site}\n- pumps 1-4 running, vib all within limits\n- P2 suction mod worked, no cavitation noise\n- operator training done, 9 people, 2 sessions\n- punch list: 3 items (tags + 1 missing cert)\n- closeout docs by {date}",
    "Mtg w/ EPC (line 4)\n- their lead eng specs {competitor} by default\n- pushed spares commonality w/ lines 1-3, {customer} backed us up\n- they'll accept alternates if submitted by {date}\n- need datasheets for 11 pumps. ugh. start Mon",
    "Calibration follow up\n- re-cal'd 6 transmitters. 3 on east header installed too close to an elbow\n- recommended relocating, {customer} ok'd\n- letter for the state signed by our QA mgr, sent today\n- close case in 30 days if stable",
    "Trade show follow up - {customer} from {account}\n- stopped by booth, asked about metering pumps\n- small chem plant, ~20 dosing pumps, mixed brands\n- pain: diaphragm life + parts availability\n- send catalog + book call next wk",
    "Call w/ {customer}\n- backorder on {order_no} slipping again, mfr now says {date}\n- customer frustrated, shutdown in 5 wks\n- offered equivalent model from stock w/ mounting kit\n- {customer} wants {customer2} (I&C) to check it first\n- sending datasheet comparison today",
    "Account planning - {account}\n- FY spend so far {amount}, behind target\n- bought actuators from {competitor} b/c same-day availability\n- idea: stock 4 actuator sizes locally for them\n- consignment? maybe, needs min annual spend\n- talk w/ inside sales Mon",
    "QBR prep\n- pull order history, count seal kits on old pumps (looks like ~1/month)\n- pump availability 99.2% this qtr\n- open: warranty claim P2 seal, mfr says dry running, customer disagrees\n- bring consignment one-pager",
    "Site visit {site} w/ {customer}\n- storeroom a mess, no min/max on critical spares\n- 3 pumps with no spare seal on the shelf\n- proposed critical spares list, {qty} items\n- they want pricing + consignment option\n- I'll send by {date}",
    "Call w/ {customer} + {customer2}\n- CIP cycles up ~30% since new product line\n- caustic use up, conductivity sensors old\n- interested in return-flow measurement like the brewery job\n- budgetary only for now, capex request due {date}",
    "Negotiation follow up\n- {customer2} came back: net 60 ok, milestones no (AP won't do it)\n- warranty: mfr will back 18 mo from startup, confirmed\n- price hold 60 days, escalation cap 4% beyond that\n- said yes to all. expect PO {date}",
    "Complaint - service desk\n- {customer} couldn't reach anyone all morning, 4 calls\n- after-hours routing went to a dead mailbox, fixed this am\n- gave {customer} my cell\n- weekly status email from me starting Mon\n- they're reviewing vendors in new yr, need to rebuild trust",
    "Discovery call w/ {customer} ({account})\n- small muni, 2 lift stations + 1 WWTP\n- pumps 20+ yrs old, ragging every storm\n- no budget this yr, grant application in progress\n- need a budget # for the grant by {date}\n- send rough est + lift station case study",
    "Visit w/ {customer2} (reliability)\n- wants condition monitoring on top 40 assets\n- currently monthly route w/ handheld, misses stuff\n- pilot on 10 pumps first? they liked that\n- proposal by end of month, pilot pricing around {amount}",
    "Kickoff - {account}\n- PO {order_no} received, {amount}\n- submittals due in 3 wks, fab 10 wks after approval\n- site contact for deliveries = {customer2}\n- install window fixed: 2 wk shutdown in Oct\n- weekly status call Tues 9am",
    "Quick call {customer}\n- no news on budget, CFO still out\n- {customer} thinks approval by EOQ\n- don't push. check back {date}",
    "Reference call setup\n- {customer} wants to talk to someone running our dosing skids\n- asked the Pell River superintendent, said yes\n- call booked {date}\n- prep: send {customer} the skid datasheet + P&ID beforehand",
];

/// Scripted calls: exactly one script per call kind.
pub const CALLS: &[CallScript] = &[
    CallScript {
        kind: "discovery",
        title: "Discovery call",
        beats: &[
            Beat {
                name: "opening",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, it's {rep} from Brightwater. Thanks for making the time, I know mornings at {site} are busy.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah, no problem. I've got about thirty minutes before the production meeting, so let's make it count.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Works for me. I'd like to mostly listen today, understand what's going on with your pumps and where we might fit. Sound okay",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Sure. I've also asked {customer2} from maintenance to sit in, should be dialing in any second.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "I'm here. Sorry, I was out on the floor.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "{account}, this is {customer}.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, {rep} with Brightwater Industrial Supply. We spoke briefly at the trade show in the spring, you mentioned you were having seal trouble on the transfer pumps.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Right, right. Yeah, I remember. Sorry, it's been a week. Go ahead.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "No worries. Is now still a good time, or should I call you back after lunch",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Now's fine. Let's do it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Morning {customer}. {rep} here. I got your form about the {product}, and I figured a quick call beats email tennis.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Ha, agreed. I've sent about six emails to vendors this week and heard back from two.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Well, I'm here. Before we jump in, who else on your side should I know about on this",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Mainly me and {customer2}, our process engineer. Purchasing gets involved once there's a number.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, {rep} from Brightwater. Our friends at the water district said you might be looking at some upgrades at {site}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah, word travels. We're early, though. I'm not looking for a quote today.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Totally fine. Today's really just for me to understand the plant and what's not working. If there's no fit, I'll tell you.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Fair enough. Fire away.",
                        },
                    ],
                ],
            },
            Beat {
                name: "context",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "So give me the lay of the land. What's running at {site} these days",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Three lines, two shifts, and we go to three shifts in the busy season, roughly May through September. About {qty} pumps across the site if you count the little dosing ones.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "And who maintains them, in-house or contracted",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "In-house mostly. We've got four mechanics, and honestly they're stretched.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Can you tell me a bit about how {account} is set up? How many sites, who makes the calls",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Two plants. {site} is the bigger one, that's where I am. Capital decisions go through corporate, but anything under fifty grand we can approve locally.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Good to know. And is this project under that line or over",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Depends what you come back with, honestly.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Quick background. We took over this plant in 2021, and the previous owner basically ran everything to failure. Half the instruments aren't even on the P&IDs.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Oh, so you inherited a bit of a mess.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's putting it nicely. We've been chipping away at it, but the pump house is next on the list.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Is that driven by reliability, or are there compliance reasons too",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Both. We had a permit exceedance in February that nobody wants to repeat.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Before we get into specifics, what's changed at {account} over the last year or so",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "New product line, a lot more CIP cycles, and corporate cut the maintenance headcount by two. So same equipment, more hours, fewer people.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And the equipment is older than some of our operators.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Right. That's a pattern I'm seeing a lot this year.",
                        },
                    ],
                ],
            },
            Beat {
                name: "pains",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "What's the thing that keeps you up at night on the pump side",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Seal failures. We're replacing mechanical seals on the transfer pumps every six to eight weeks. Each one's half a day of downtime.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Every six to eight weeks, that's rough. Do you know what's killing them? Dry running, misalignment",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "We think it's cavitation on the suction side, but nobody's had time to dig into it properly.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. That's something we can actually measure rather than guess at.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Honestly, the biggest pain is lead time. When something breaks we wait four, five weeks for parts. Last time we rented a pump for a month.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "What did that rental cost you, roughly",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Around {amount} with the freight, and that's before the overtime.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "So part of what you're after is a spares strategy, not just new equipment.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah. I'd take that.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "When you say the dosing is unreliable, what does that look like day to day",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "The chlorine residual swings all over the place. Operators are adjusting the stroke by hand two, three times a shift.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And the analyzer drifts, so half the time we're not even sure the reading is right.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "So it could be the pump, the instrument, or both. Got it.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's the problem. Nobody knows which one to fix first.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "If you could fix one thing at {site} by the end of the year, what would it be",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Energy. Our power bill on the cooling water pumps is insane. They run flat out and we throttle with a valve.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Classic. Do they have VFDs on them at all",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "One of four. The rest are across-the-line starters from the nineties.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then there's probably real money on the table. I'd want to see the duty points before I promise a number, though.",
                        },
                    ],
                ],
            },
            Beat {
                name: "technical",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Could you send me the pump datasheets, or at least photos of the nameplates",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "I can get you photos. Datasheets, some of them. The old ones are in a filing cabinet somewhere.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Photos are a great start. Flow, head, fluid, temperature and the motor data, that's what I need first.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "One of them is on fifty percent caustic, by the way. Runs around 140 Fahrenheit.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay, that changes the materials picture. We'd be looking at a different seal arrangement for that one.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "So what would you actually do differently from what we have",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Depends what we find, but on a duty like yours we'd usually look at a back pull-out ANSI pump with a cartridge seal, so your guys can swap the seal without pulling the whole pump.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "How long does a swap take then",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "On the last project like this, about ninety minutes instead of half a day. I'll send you the case study.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Quick question on the valves. Are you proposing digital positioners, and do they talk HART",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Yes, HART as standard, and Foundation Fieldbus if your DCS supports it. What are you running",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Older DCS, HART only. And we'd want the diagnostics showing up in our asset management software.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's doable. I'll have our instrumentation engineer confirm the DD files before we quote anything.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "How are you measuring flow on the outfall today",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Mag meter, maybe fifteen years old. It reads, but I wouldn't bet my job on it.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "When was it last verified",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Uh, good question. Before my time.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then I'd add an in-situ verification to the survey. It's cheap and it tells us if we're chasing a ghost.",
                        },
                    ],
                ],
            },
            Beat {
                name: "competition",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Are you talking to anyone else on this",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "We've got a quote from {competitor}. I'll be straight with you, it's cheaper than I expected.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Appreciate you telling me. Do you know if it includes installation and commissioning, or just the hardware",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Hardware and a startup visit, I think. I'd have to check.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Worth checking. A lot of the difference is usually in what's not in the quote.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We've used {competitor} for years, to be honest. Nothing wrong with them, but their service guy retired and it's gone downhill.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That happens. What does downhill look like",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Three days to get a callback. Last time the tech showed up without the right parts.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. I won't badmouth anyone, but our response commitment is next business day on site within two hundred miles, and it's written into the contract.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Is there an incumbent I should know about",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Sort of. Corporate has a national agreement with {competitor}, but it only covers standard catalog items.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "So engineered equipment is open",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Open-ish. If you're within ten percent, I can make the case. Beyond that it's a hard conversation.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Just so you know, procurement will want three bids. That's policy over {amount}.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood, we're used to that. Is there a spec already, or are we writing to your requirements",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "No spec yet. Whoever helps us write it has a bit of an advantage, let's be honest.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then let's do it properly. I'd rather lose on a fair spec than win on a rigged one.",
                        },
                    ],
                ],
            },
            Beat {
                name: "budget",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Is there budget set aside for this, or is it next year's capital plan",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "There's some money this year. Around {amount}, but it has to be spent by the end of December or we lose it.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay, so timing actually matters more than the exact number.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Exactly. If it isn't PO'd by mid-November, it's gone.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "What kind of money are we talking about, ballpark",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I hate guessing before a site visit, but for four pumps with drives, installation and startup, projects like this have landed somewhere between {amount} and a bit over double that.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. That's not crazy. Not cheap, but not crazy.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "And on the energy side, if the numbers hold up, it tends to pay back in under three years.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "How does {account} usually justify spend like this? Payback, risk, compliance",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Payback. Under two years, or it doesn't get past finance.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Unless it's safety or environmental. Then it's a different bucket.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's useful. The dosing piece might fit the environmental bucket, given the exceedance.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Huh. Hadn't thought about splitting it like that.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "I'll be honest, budget is tight. We're on a spending freeze until Q3.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Thanks for being upfront. Is there an opex path, like a service contract, that doesn't need capital approval",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Maybe. The maintenance budget has some room. Smaller chunks are easier to get through.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then let me think about phasing it. Critical spares and a service agreement now, the capital piece when the freeze lifts.",
                        },
                    ],
                ],
            },
            Beat {
                name: "decision_process",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Walk me through how a decision like this gets made. Who signs",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I recommend, the plant manager approves, and anything over {amount} goes to the VP of operations.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "And does the VP usually go with the plant's recommendation",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "If the numbers make sense. She doesn't like surprises, though.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Besides you and {customer2}, who needs to be comfortable with this",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "EHS, because of the chemicals. And IT, weirdly, if anything connects to the network.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Good to know early. I'd rather send the cybersecurity documentation up front than get stuck on it at the end.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "The process here is pretty formal. Technical evaluation first, then commercial. They're scored separately.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "What's the weighting",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Sixty technical, forty commercial, last time I saw it.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay, that helps. So a solid technical submission matters more than shaving off the last few percent.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "What's your timeline for making a call",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I'd like to pick a vendor by {date} and install during the fall shutdown.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "When's the shutdown",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Two weeks in October. It doesn't move, it's tied to the whole site.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then we'd need the order by the end of July at the latest to make the pump lead times. I'd rather tell you that now than in August.",
                        },
                    ],
                ],
            },
            Beat {
                name: "next_steps",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Here's what I'd suggest. I come out to {site} with one of our application engineers, we spend half a day in the pump house and take readings on the worst two.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "When could you do that",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "We have availability the week of {date}. Does Tuesday or Wednesday work",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Wednesday. Earlier is better, we start at six.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Seven o'clock it is. I'll send an invite and a list of what we'll need from your side.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "So what do you need from me",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Nameplate photos, the last year of maintenance records on those pumps if you have them, and a P&ID of the loop. Then I'll come back with a rough budget in about two weeks.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I can get you the photos tomorrow. Records might take longer.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "No rush on the records. Photos first, and I'll start with those.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Let me send you two case studies, one on seals and one on dosing control, so you've got something to show the plant manager.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That'd help. He likes numbers.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "These have numbers. I'll get them to you by end of day, and let's pencil in a follow-up on {date}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Pencil it in. If something blows up that week, I'll let you know.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Could you put something together on the spares side first? That's the quick win for us.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Sure. If you send me the pump list, I'll come back with a recommended critical spares list and pricing by Friday.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "And the bigger retrofit",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That needs the site visit. I'd rather not throw numbers around without seeing it.",
                        },
                    ],
                ],
            },
            Beat {
                name: "closing",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Thanks, {customer}. That was really helpful. You'll have the invite within the hour.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Sounds good. Talk soon.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Alright, I've got to run to this meeting. Good call, though.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Appreciate it. Good luck in there, and I'll follow up in writing this afternoon.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Thanks, {rep}.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Anything I didn't ask that I should have",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Hmm. Maybe just that we've been burned before by vendors who overpromise. Keep it real and we'll be fine.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's fair, and noted. Thanks, both of you.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Thanks. Bye.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "I think that's it from me. {customer2}, anything",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "No, just send the question list and I'll get you what I can.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Will do. Thanks both, talk next week.",
                        },
                    ],
                ],
            },
        ],
    },
    CallScript {
        kind: "negotiation",
        title: "Commercial negotiation",
        beats: &[
            Beat {
                name: "opening",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, {rep} here. Thanks for getting {customer2} on as well.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah, {customer2} runs purchasing on this one, so you'll be hearing a lot from that side.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Hi {rep}. I've read through the quote and I've got a few things I want to go through.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Great, that's exactly why I wanted the call. Where do you want to start",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "{rep}, hi. I'm going to be honest, I've only got twenty minutes.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then let's be efficient. You got revision three of the quote on Monday",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I did. It's closer. Not there yet.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Morning {customer}. How'd the budget review go",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Mixed. The project's approved, but finance took a haircut off the number. So that's what we need to talk about.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. Better to know now. How big a haircut",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "About twelve percent.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Hi {rep}, it's {customer2} from procurement at {account}. {customer} is on too.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Morning.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Morning, both. I saw your email about the payment terms, so I've got some room to talk about that today.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Good, because that's one of three things.",
                        },
                    ],
                ],
            },
            Beat {
                name: "recap",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Just to recap where we are: four pumps, two VFDs, installation, startup and a year of service. Total {amount}, lead time fourteen weeks.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's right. And the site survey findings are all in there",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "All of them, including the suction piping change on pump two. That was the big one.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Remind me what changed between rev two and rev three",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "We dropped the stainless baseplates, since you said epoxy-coated carbon steel was fine, and we added the spare seal cartridges. Net, it came down about four percent.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Right. Okay.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "So we're aligned on scope: the {product}, commissioning, and the training session for your operators. It's really just the commercials left.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Scope's fine. Engineering's happy. It's the number and the terms.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood. Let's take them one at a time.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Before we argue about money, engineering wants one change. They want the flowmeters with 316 electrodes, not Hastelloy.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That actually brings the price down a little, so that's an easy yes. I'll update the quote.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "See, we're off to a good start.",
                        },
                    ],
                ],
            },
            Beat {
                name: "pricing",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Let's talk price. {amount} is above what we budgeted. We need to be about ten percent lower.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Ten percent is a lot on equipment at these margins. Where does that target come from? Budget, or another quote",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Bit of both.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. I can't get to ten on the same scope. I can get to about five if we move the training to a remote session and you take delivery in one shipment.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Is there any flex on the price at all",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Some. If you commit to the two-year service agreement instead of one, I can take three percent off the equipment.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Three percent. Hmm. What about the spares",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "On spares I can give you our distributor-level pricing if they're ordered with the pumps. That's another couple thousand.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "I benchmarked the valve package, and your unit price is about eight percent over what we pay on our catalog agreement.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "For the same valves, or for similar ones",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Similar. Same body size and rating.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then I'd want to compare trim and actuator specs line by line. Ours includes the positioner and limit switches, which usually aren't in the catalog price.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Fair. Send me the breakdown and I'll check.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I took another look at the numbers after our last call. I can bring the total to {amount}, if we can get a PO by {date}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's better. Why the date",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Honestly, we've got a factory slot reserved and I can't hold it past then. Miss it and we're looking at six more weeks.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay, that's a real reason. I appreciate you not dressing it up.",
                        },
                    ],
                ],
            },
            Beat {
                name: "objections",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "My concern is the lead time. Fourteen weeks is long. If it slips, we miss the shutdown, and then we're stuck for another year.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I hear you. What if we put a delivery milestone in the contract, with a penalty if we miss it",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That would help with my boss, yes.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I need to check the exact terms with our operations team, but I'll have wording to you by Thursday.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Your warranty is twelve months from shipment. Everyone else is giving us eighteen from startup.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's fair feedback. I can do twelve months from startup or eighteen from shipment, whichever comes first.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "That's still not eighteen from startup.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "No, it isn't. Let me see what the manufacturer will back. I'm not going to promise something I can't get them to stand behind.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Truthfully, the last order had issues. The instruments showed up without calibration certificates and we chased them for two weeks.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Yeah, that shouldn't have happened, and I'm sorry it did. On this order the certs ship with the instruments, and I'll check the packing list myself before it leaves.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I'll hold you to that.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Please do.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "The plant manager thinks we could just rebuild the old pumps for half the price.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "He might be right for a couple of them. Pumps three and four are in decent shape. On one and two, the casings are worn past what a rebuild really fixes.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "So you'd rebuild two and replace two",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "If it gets the project approved, yes. It's a smaller order for us, but it's the right answer for the plant.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Huh. Okay, that might actually work.",
                        },
                    ],
                ],
            },
            Beat {
                name: "competition",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "I'll be direct. {competitor} is about seven percent under you.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Same scope? Installation, startup, the suction piping change",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "They didn't include the piping change.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then we're not comparing the same job. That piping change is why pump two keeps cavitating. Without it you're buying new pumps with the same problem.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We got a number back from {competitor}. Lower, but their lead time is twenty weeks.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Does twenty weeks get you to the shutdown",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "No. Which is sort of why we're still talking to you.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. Then let's make sure our price is close enough that the lead time wins it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Is {competitor} still in the running",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "They are. Their engineer did a good job on the site visit, I'm not gonna lie.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "No, fair enough. What would make you comfortable going with us instead",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "References. Someone running your dosing skids on a similar water chemistry.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I can set up a call with the utility we did last year. Their superintendent is pretty candid, good and bad.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "If you can't match {competitor}'s terms, I'm going to have a hard time getting this approved.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Which terms exactly? Price, payment, warranty",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Payment. They're offering net sixty.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I can do net sixty on this one. I'll need it written into the PO so our finance team doesn't push back.",
                        },
                    ],
                ],
            },
            Beat {
                name: "terms",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Our standard terms are net ninety.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Ninety is tough on a project this size, we're paying the factory up front. Could we do thirty percent on order, sixty on delivery and ten on commissioning",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "I'd have to check with AP. They hate milestone billing.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood. If milestones don't work, net sixty with no deposit is my fallback.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We'd want the installation done time-and-materials, not fixed price.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'd actually push back on that. Fixed price protects you. If we find a surprise in the piping, that's on us.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Even if it's something nobody could've seen",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Within reason. We exclude hidden asbestos and structural issues, but otherwise, yes.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Delivery terms. We need DAP to {site}, not ex works.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's fine, I'll include freight. It adds about {amount}, and I'll show it as a separate line so you can see it.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Good. And we need a certificate of insurance before anyone sets foot on site.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll have our office send it today.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Can you hold the pricing for ninety days? Our board only meets quarterly.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Sixty I can do, no problem. For ninety I'd need an escalation clause on the steel content. Castings have gone up twice this year.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "How much could it move",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Capped at four percent. And if prices come down, you get that too.",
                        },
                    ],
                ],
            },
            Beat {
                name: "concessions",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "So here's where I can land. Five percent off the equipment, net sixty, eighteen months warranty from startup. In exchange, a PO by {date} and a two-year service agreement.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's a real offer. Let me take it to my boss.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "I think I can work with that on the terms side.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "If you can hold that price and throw in the spare seals, we can sign this month.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Spare seals for all four pumps",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "All four.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I can do two sets at no charge. The other two I'd have to sell at cost, that's about {amount}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Two free, two at cost. Fine. Deal.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "What's the best you can do if we drop commissioning and have our own people do it",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'd really advise against that. Commissioning is where we catch the problems. If your people do it and something fails, the warranty gets murky.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "So no discount",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'd rather give you the discount somewhere else. Let's say two percent on the instruments, and we keep commissioning in.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I spoke to my director this morning. We can match the price, but only with the full scope, not just the pumps.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "So it's all or nothing",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Not nothing. I can still sell you the pumps alone, just not at this price.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. Understood. I think full scope is where we were heading anyway.",
                        },
                    ],
                ],
            },
            Beat {
                name: "commitments",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "So to confirm: I'll send rev four by Thursday with the new price, net sixty and the eighteen-month warranty.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And I'll start the PO paperwork so it's ready once the quote lands.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "And I'll get sign-off from the plant manager. Should be fine, he's seen the numbers.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Here's where I am. If rev four matches what we just discussed, I'll recommend you.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's all I can ask. You'll have it tomorrow.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Tomorrow's good. Don't make it Friday, I'm out Friday.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "What do you need from me to get this over the line by {date}",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "The updated quote, your W-9 and the insurance certificate. And the vendor setup form, if you're not already in our system.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "We should be, from the spares order last year, {order_no}. I'll get the rest to you today.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "I need one thing from you. Put the lead time in the quote as a commitment, not an estimate.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll write fourteen weeks ARO as committed, with the milestone we talked about.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Then we're basically there.",
                        },
                    ],
                ],
            },
            Beat {
                name: "next_steps",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Next step is the revised quote, then a short call Monday to walk through it",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Monday at ten works.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll send an invite.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "I'll need the contract redlines back from your legal team by the end of next week.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Send them over today and I'll chase legal myself. Realistically, Wednesday.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Wednesday's fine.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Once the PO's out, what happens",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Order acknowledgment within two business days, then submittal drawings in about three weeks for your engineering to approve. Fabrication starts when they sign off.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. I'll warn engineering they've got drawings coming.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I'll send you a summary email after this call with what we agreed, so there's no confusion later.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Please do. Copy {customer2}.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Will do.",
                        },
                    ],
                ],
            },
            Beat {
                name: "closing",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Good call, {rep}. I think we're close.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I think so too. Thanks for working through it with me.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Thanks, both. I know that was a lot of back and forth.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "That's my job. Talk Monday.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Thanks, bye.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Alright. Get me that quote and let's close this out.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Will do. Have a good afternoon.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Anything else before we hang up",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "No. Just, you know, don't let the lead time slip.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood. Once it's ordered I'll send you a status update every week.",
                        },
                    ],
                ],
            },
        ],
    },
    CallScript {
        kind: "complaint",
        title: "Complaint call",
        beats: &[
            Beat {
                name: "opening",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "{rep}, it's {customer} at {account}. I'm going to be honest, I'm not happy.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}. Okay, I'm listening. What's going on",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "The pumps on {order_no}. They were supposed to be here last Friday. Nobody called, nobody emailed. I found out from our receiving dock.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, it's {rep}. I got your voicemail. Sounds like something's gone wrong.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Something's gone wrong is an understatement. We've had a pump fail three weeks after commissioning.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Three weeks. Okay. I'm sorry. Tell me exactly what happened.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Is this {rep}",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "It is. Hi {customer}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I've been trying to reach your service desk since seven this morning. Four calls, two emails. Nothing.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's not acceptable, and I'm sorry. You've got me now, and I'm not handing you off. What do you need",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "{customer}, thanks for taking my call. I saw the email you sent our general manager.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah. I copied him because I didn't know who else to go to.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And I'm on too. I'm the one who has to explain to our plant manager why line two is down.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood. I want to hear the whole thing from both of you first, then we'll talk about fixing it.",
                        },
                    ],
                ],
            },
            Beat {
                name: "issue",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We ordered {qty} seal kits for the transfer pumps. What showed up is the wrong size. Wrong part number on the box, right part number on the packing slip.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "So the paperwork says one thing and the box says another.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Exactly. And my mechanic had the pump torn down before he noticed.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "The seal on pump two started leaking yesterday afternoon. By this morning it's a steady drip onto the baseplate. That's caustic, by the way.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Is anyone hurt? Is the area isolated",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Nobody's hurt. We've isolated it and we're on the standby pump. But we don't have a standby for the standby.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. Good that it's contained. That's the first thing I needed to know.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "The invoice is wrong. Again. You billed us for the full service contract when we agreed on quarterly billing. That's the second time this year.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Which invoice is it",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "It's on {order_no}. {amount}. Our AP flagged it, and now I look like I don't know what I signed.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "The flow transmitters you calibrated in the spring are drifting. We're seeing almost three percent off against the reference meter.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And we report that flow to the state. So this isn't just an annoyance.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood. When did you first notice the drift",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "About two weeks ago. It's been getting worse.",
                        },
                    ],
                ],
            },
            Beat {
                name: "impact",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Line three is down until we get that pump back. That's about {amount} a day in lost production, and I've got a customer waiting on a shipment.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I understand. That's real money and a real customer.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "And I've got a plant manager asking me why I picked you guys.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "My guys worked overtime all weekend getting around it. That's money I didn't budget.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "And if this happens again before the audit, we're in trouble.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I hear you. I'm writing all of this down so nothing gets lost.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We had to rent a pump. I'm paying for that rental out of my maintenance budget, and I shouldn't be.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "No, you shouldn't. Keep the rental invoice, we'll come back to that.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Oh, I'm keeping it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Look, it's not even the money. I told my boss you were the reliable option. If the lead time slips again we'll have to look elsewhere, and I won't be able to argue.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's fair. You stuck your neck out for us, and we let you down.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah. You did.",
                        },
                    ],
                ],
            },
            Beat {
                name: "ownership",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I'm not going to make excuses. This is on us. I'll personally own this until it's fixed, and you'll hear from me, not from a ticket system.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. I appreciate that. But I've heard it before.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I know. So let me show you instead of telling you.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "First, I'm sorry. We shipped the wrong part and we didn't catch it. That's a process failure on our side, not yours.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Thank you. At least you're not blaming my receiving guy.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Not at all. He did what anyone would do with a correct packing slip.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "I don't want an apology, I want the thing fixed.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Fair. You'll get both, but fixing it comes first. Give me five minutes of questions, and then I'll tell you exactly what I'm doing next.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Fine. Five minutes.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I'm taking this over from the service desk as of right now. My cell is in the email I'm about to send you. Call it any time, including tonight.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "You mean that",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I do. If I don't pick up, I'll call back within the hour.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. We'll see.",
                        },
                    ],
                ],
            },
            Beat {
                name: "facts",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Can you send me a photo of the label on the box and the packing slip",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I'll have my guy send them now.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Thanks. And what's the serial number on the pump you tore down",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Hang on, it's on the tag. I'll text it to you.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "On the seal. Do you know if the pump ran dry at any point, even briefly? Maybe during a tank changeover",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Not that I know of. The operators say no. But the low-level switch on that tank has been acting up.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay, that's worth knowing. I'm not blaming the switch, I just want the whole picture before our tech gets there.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Who did you talk to at the service desk, do you remember",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I didn't talk to anyone. That's the point. I left messages.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Understood. I'll pull the call log myself. I want to know where those messages went.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "The transmitters, are they all drifting the same direction, or is it random",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Same direction, all reading high. Mostly the three on the east header.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That pattern usually points to something in the installation or the process rather than the units themselves, but I'm not going to guess. I want a tech with a calibrator on site.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Which is what I asked for a week ago.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I know. You're right.",
                        },
                    ],
                ],
            },
            Beat {
                name: "remedy",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Here's what I'm doing. The correct seal kits go out next-day air today. You'll have them by ten tomorrow morning.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "And if they're wrong again",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "They won't be. I'm going down to the warehouse myself to check the part numbers against your order before the box is sealed.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I've got a field tech who can be at {site} tomorrow at seven. He'll bring a replacement seal cartridge and do the swap himself.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Tomorrow. Not next week",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Tomorrow. I've already moved his schedule.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. That's a start.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "We've got a loaner pump in our shop that matches your duty. I can have it on a truck this afternoon, no charge, until yours is repaired.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "How long will the repair take",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Honestly, I don't know yet. We'll know once we pull it apart. I'll give you a real answer by {date}, not a guess now.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "The corrected invoice will be in your inbox by end of day, and I'll void the original so AP doesn't pay it by accident.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "And the next quarters",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'm fixing the billing schedule in our system while we're on the phone. I'll send you a screenshot of it.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "A screenshot. Okay, that's actually helpful.",
                        },
                    ],
                ],
            },
            Beat {
                name: "compensation",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "So who's paying for the rental and the overtime",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "The rental, we'll cover, full stop. The overtime, send me the hours and I'll take it to my manager. I can't promise all of it, but I'll fight for it.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Fine. I'll send the timesheets.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I'm also crediting the expedited freight, and the labor on the seal swap is on us.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "That's fair.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "What about the lost production",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll be honest, our terms don't cover consequential losses, and I'm not going to pretend they do. What I can do is put a credit of {amount} toward your next spares order.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "I want a credit on this order. We paid for on-time delivery.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "You did. I'm putting through a five percent credit on {order_no}. It'll show on your next statement.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Five percent. Okay. I'd have asked for more, but okay.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "On the calibration, we'll redo all six transmitters at no charge and reissue the certificates.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And if the state asks, can you give us a letter explaining what happened",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Yes. Our quality manager will sign it. I'll have a draft to you by {date}.",
                        },
                    ],
                ],
            },
            Beat {
                name: "prevention",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "How do I know this won't happen again",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Two things. Your account goes on our double-check list, so every shipment gets a second pair of eyes on the part numbers. And I'll send you a root cause report within ten days.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Ten days. I'll be looking for it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Once the tech has the old seal out, we'll send it to the manufacturer for failure analysis. If it's a defect, it's a warranty claim. If it's the process, we'll tell you that too.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Even if the answer is that it's our fault",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Even then. It doesn't help either of us to pretend.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "And the service desk",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I've escalated it. We had a routing problem where after-hours messages went to a mailbox nobody was checking. It was fixed this morning.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "This morning. So it was broken when I called.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "It was. I'm not going to pretend otherwise.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Going forward, I'd like to send you a weekly order status email from me directly, so you're not finding out about delays from your receiving dock.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Honestly, that would solve half of this.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then it starts Monday.",
                        },
                    ],
                ],
            },
            Beat {
                name: "closing",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "So to recap: parts out today, a tech on site tomorrow at seven, a root cause report in ten days, and I'll call you tomorrow after the tech leaves.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. I'm still frustrated, but this is better.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's fair. I'll earn it back.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Alright. I'll hold off on escalating any further for now.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Thank you. I'll call you at four today with an update, whether or not there's news.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Four. Okay.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Just so you know, we're reviewing vendors in the new year. This will come up.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I understand. I'd rather be judged on how we fix it than pretend it didn't happen.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "We'll see. Thanks for calling back, at least.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Thanks for being straight with me, {customer}. I know it's not fun making a call like this.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Just fix it, {rep}.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I will. You'll hear from me before end of day.",
                        },
                    ],
                ],
            },
        ],
    },
    CallScript {
        kind: "account_review",
        title: "Quarterly account review",
        beats: &[
            Beat {
                name: "opening",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, thanks for keeping this slot. I know these reviews can feel routine.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "No, they're useful. Honestly, it's the only time we look at the whole picture.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Great. I've got about five things, should take forty minutes.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Hey {rep}. {customer2} from purchasing is joining too, wants to talk about the contract renewal.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Hi.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Hi, both. Good, the renewal's on my list anyway. Let's start with how the quarter went.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Morning {customer}. How was the shutdown",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Long. But we came out of it on schedule, which is a first in a while.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Glad to hear it. Our guys said your team was really well organized.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Don't tell them that, they'll want raises.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Hi {customer}, it's {rep}. Our regular quarterly catch-up. Still good for half an hour",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah, go ahead. I'm actually in the office for once.",
                        },
                    ],
                ],
            },
            Beat {
                name: "recent_orders",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "So this quarter you placed {qty} orders with us, mostly spares. Total came to {amount}, up a bit on last quarter.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's the bearing replacements on the cooling tower pumps. We were overdue.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Makes sense. Everything arrive okay",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "All except the back-ordered motor, which I think is still out.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "One open item: order {order_no} is still back-ordered on two of the positioners. The manufacturer is now saying {date}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's the second date they've given.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I know. I've asked for a firm ship date in writing. If they can't give me one by Friday, I'll offer you an equivalent model we have in stock.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "What's the catch with the equivalent",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Different mounting kit, which we'd include. Same signal, same diagnostics.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Before you start, can you check on {order_no}? Receiving says it came in partial.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Yeah, it shipped in two. The gaskets and the impeller went out on the twelfth, the seal kits are on the truck today. Should be with you Thursday.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. Somebody should've told us it was split.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Agreed. I'll make sure split shipments get flagged to you up front from now on.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Order volume's down about twenty percent on the same quarter last year. Anything going on, or is it just timing",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Timing, mostly. And, look, we did buy a few things from {competitor} because they had them on the shelf.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Appreciate the honesty. Which items",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "A couple of valve actuators. We needed them same day.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. Let's talk about stocking those for you locally so that doesn't happen again.",
                        },
                    ],
                ],
            },
            Beat {
                name: "service_performance",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "On the service contract, we did {qty} preventive visits and two callouts. Both callouts were inside the four-hour window.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah, the team's been good. The tech who comes out knows the equipment better than we do at this point.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll pass that along. He'll be glad to hear it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "One complaint. After the last PM visit, the report took three weeks to show up. We need those for the audit file.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's fair. Our target is five business days. I'll find out what happened and get you the report this week.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "And can they come as PDFs with the signatures, not a portal link",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Yes, I'll set that up.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Availability on the contract pumps was ninety-nine point two percent this quarter, up from ninety-seven last year.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That lines up with what we're seeing. The seal failures have mostly stopped.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "The cartridge seals are doing their job. Only one failure, and that was during the power outage.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Service has been okay, but it feels like we get a different tech every time. Nobody remembers our setup.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's useful feedback. I can request a named primary tech for your site, with a backup who shadows them twice a year.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That would help. Continuity matters here.",
                        },
                    ],
                ],
            },
            Beat {
                name: "open_issues",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Open issues. There's the calibration drift on the east header. The replacement transmitters went in last week. Have you seen it settle",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "It's better. Within half a percent now.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Good. I'll keep the case open another thirty days, just to be sure, before we close it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "The invoice thing from last quarter, is that fully sorted",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Yes. The credit posted on the eighth and the billing schedule is corrected. You shouldn't see it again.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "I checked. It's right now.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "We still have the warranty claim on the pump two seal. The manufacturer came back saying it was dry running.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "We don't agree with that.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I know. I've asked for the full teardown report and photos. If it's not conclusive, I'll push for a goodwill replacement.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Okay. Keep pushing.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I don't have anything open on my side. Anything you want to raise",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Not really. Actually, yes. Quotes have been slow, like a week for simple stuff.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Simple spares should be same day. Send those straight to me and copy inside sales, and I'll make sure they're turned around within twenty-four hours.",
                        },
                    ],
                ],
            },
            Beat {
                name: "plans",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Let's look ahead. What's on the capital plan for next year at {site}",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "The big one is the wastewater pretreatment upgrade. Probably a new dosing system and some instrumentation. The budget's still being argued about.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "When do you need a budgetary number",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "By {date}, for the capital request.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I can have an estimate to you two weeks before that.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We're adding a fourth line. Construction starts in the spring.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Congrats. Who's doing the engineering",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "An outside EPC. They'll spec the equipment, but we can push for our preferred vendors.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then I'd like to get in front of the EPC early, with your blessing. Same pumps and valves as lines one to three makes spares a lot simpler for you.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "That's a good argument. I'll make an introduction.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Corporate is pushing energy reduction, ten percent by 2027. Pumps are one of our biggest loads.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Then an energy audit on your top ten pumps is the place to start. We did one at another food plant and found about eighteen percent savings.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Send me that. I can use it.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Any changes in the team I should know about",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Yeah, our maintenance manager retires in June. The replacement hasn't been picked yet.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Okay. When you have someone, I'd like to get them up to speed on the service contract and the spares program.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Good idea.",
                        },
                    ],
                ],
            },
            Beat {
                name: "opportunities",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "One thing I noticed. You're buying seal kits for the old pumps almost every month. At this rate a new pump pays for itself in about eighteen months.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Huh. I didn't realize it was that many.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll send you the order history so you can see it for yourself.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Have you thought about consignment stock for the critical spares? We hold the inventory at {site}, you pay when you use it.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "What does that cost us",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "A minimum annual spend, and a corner of your storeroom. We count it quarterly.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "I like it. Fewer emergency orders means fewer rush fees.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "We might have something for you. The boiler feed pumps are on their last legs.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "How many, and what size",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Two, about 150 horsepower each. I'll get {customer2} to send you the specs.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Great. I'll set up a visit with our engineer. That's the kind of thing we should look at before it fails, not after.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "We're running a training day on control valve maintenance on {date}, free for contract customers. Would your techs get value out of it",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Probably. Two or three of them are pretty new.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'll send you the details. Seats are limited, so let me know by the end of the month.",
                        },
                    ],
                ],
            },
            Beat {
                name: "pricing",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "The service contract renews in sixty days. What's the increase looking like",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Three and a half percent, mostly labor. Same scope.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Our budget assumed two.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "If you sign a two-year renewal, I can hold it at two and a half for both years.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Send me that in writing and I'll take it to finance.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Heads up, our pricing on stainless castings goes up five percent on the first of the month. If you've got anything planned, ordering before then saves you money.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Good to know. I'll check with the planner.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Are we getting the best pricing we can on spares",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "You're on tier two. If annual spend goes over {amount}, you move to tier one, which is another four percent.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "How close are we",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "About eighty percent of the way. The boiler feed pumps would get you over.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "Finance is asking every vendor for a price freeze next year. I have to ask.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I understand. I can't freeze everything, but I can freeze the service contract and your top twenty spares by volume.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "That's most of our spend anyway.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Exactly why I picked them.",
                        },
                    ],
                ],
            },
            Beat {
                name: "next_steps",
                variants: &[
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Let me recap what I owe you. The PM report by Friday, the consignment proposal by the end of the month, and a budget estimate for the pretreatment upgrade by {date}.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Sounds right. And I owe you the boiler feed pump specs.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "What do you need from us",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "An introduction to the EPC, and the name of the new maintenance manager once you have it.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "I can do the EPC intro this week.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "I'll put our next review on the calendar for the same week next quarter.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Sure. Maybe in person this time, so you can see the new line.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "I'd like that. I'll plan to come out to {site}.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer2,
                            text: "I'll need the renewal paperwork by {date} to get it on the finance agenda.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "You'll have it a week early.",
                        },
                    ],
                ],
            },
            Beat {
                name: "closing",
                variants: &[
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Good review, thanks {rep}.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Thanks, {customer}. Talk soon.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Anything else on your mind before we wrap up",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "No, I think we covered it. Thanks.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "Thanks, both. I'll send notes this afternoon.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Customer,
                            text: "Appreciate you coming prepared. Not all our vendors do.",
                        },
                        Turn {
                            who: Who::Rep,
                            text: "That's good to hear. Have a good rest of the week.",
                        },
                    ],
                    &[
                        Turn {
                            who: Who::Rep,
                            text: "Okay, I'll let you go. Good luck with the audit.",
                        },
                        Turn {
                            who: Who::Customer,
                            text: "Thanks. We'll need it.",
                        },
                        Turn {
                            who: Who::Customer2,
                            text: "Bye, {rep}.",
                        },
                    ],
                ],
            },
        ],
    },
];
