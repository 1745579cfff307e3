//! The municipality's providers: its own family centre, foster-care unit and institution, and
//! external residential homes and consultancies (more of them in a larger municipality).

use overblik_domain::codes::MeasureType;

use crate::util::Rng;

pub(crate) struct ProviderSpec {
    pub name: String,
    pub internal: bool,
    pub kind: &'static str,
}

pub(crate) struct Providers {
    pub list: Vec<ProviderSpec>,
    /// Candidates per measure type, in `MeasureType::ALL` order.
    candidates: Vec<Vec<u16>>,
}

const PLACES: &[&str] = &[
    "Skovbrynet",
    "Engly",
    "Bakkegården",
    "Lindehuset",
    "Fjordglimt",
    "Egelund",
    "Solsikken",
    "Havbakken",
    "Kildevang",
    "Birkely",
    "Granly",
    "Mosegården",
    "Åbo",
    "Strandhøj",
    "Lærkereden",
    "Nørremark",
    "Vestervang",
    "Bøgely",
    "Klintholm",
    "Rosenhøj",
    "Tranekær",
    "Østervang",
    "Hyldebo",
    "Ellehuset",
    "Skræntgården",
];

impl Providers {
    pub fn new(municipality: &str, inhabitants: u32, rng: &mut Rng) -> Self {
        let mut list = Vec::new();
        let mut add = |name: String, internal: bool, kind: &'static str| {
            list.push(ProviderSpec {
                name,
                internal,
                kind,
            });
            (list.len() - 1) as u16
        };
        let family_centre = add(
            format!("Familiecenter {municipality}"),
            true,
            "familiebehandling",
        );
        let foster = add(
            format!("Familiepleje {municipality}"),
            true,
            "plejefamilier",
        );
        let institution = add(
            format!("Børne- og ungehjemmet {municipality}"),
            true,
            "døgninstitution",
        );
        let contact = add(
            format!("Kontaktpersonkorpset {municipality}"),
            true,
            "kontaktperson",
        );
        let youth = add(format!("Ungecentret {municipality}"), true, "ungestøtte");
        let external = 2 + (inhabitants / 30_000).min(20) as usize;
        let offset = rng.int(0, PLACES.len() as i32 - 1) as usize;
        let homes: Vec<u16> = (0..external)
            .map(|i| {
                add(
                    format!("Opholdsstedet {}", PLACES[(offset + i) % PLACES.len()]),
                    false,
                    "opholdssted",
                )
            })
            .collect();
        let regional = add(
            "Regionens døgninstitution".to_owned(),
            false,
            "døgninstitution",
        );
        let consultancy = add(
            "Familiekonsulenterne ApS".to_owned(),
            false,
            "familiebehandling",
        );
        let respite = add(
            "Aflastningshjemmet Solgården".to_owned(),
            false,
            "aflastning",
        );
        let boarding = add("Efterskolen ved Fjorden".to_owned(), false, "efterskole");
        let candidates = MeasureType::ALL
            .iter()
            .map(|kind| match kind {
                MeasureType::PlacementKinshipFoster
                | MeasureType::PlacementFosterFamily
                | MeasureType::PlacementMunicipalFoster => vec![foster],
                MeasureType::PlacementResidentialInstitution => vec![institution, regional],
                MeasureType::PlacementSocioEducational => homes.clone(),
                MeasureType::PlacementOwnRoom => vec![youth],
                MeasureType::PlacementBoardingSchool => vec![boarding],
                MeasureType::HomeSupport | MeasureType::FamilyTreatment => {
                    vec![family_centre, family_centre, consultancy]
                }
                MeasureType::FamilyResidential => vec![institution],
                MeasureType::RespiteCare => vec![respite, foster],
                MeasureType::ContactPerson | MeasureType::Internship => vec![contact],
                MeasureType::Aftercare => vec![youth, contact],
                MeasureType::OtherSupport => vec![family_centre, consultancy],
            })
            .collect();
        Self { list, candidates }
    }

    pub fn pick(&self, rng: &mut Rng, kind: MeasureType) -> u16 {
        // `ALL` lists the codes in declaration order, so a type's position is its discriminant.
        let candidates = &self.candidates[kind as usize];
        candidates[rng.int(0, candidates.len() as i32 - 1) as usize]
    }
}
