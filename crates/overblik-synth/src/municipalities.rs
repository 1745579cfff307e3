//! The 98 Danish municipalities: inhabitants and the share aged 0-17.
//!
//! Sources: inhabitants are DST FOLK1A, 1 January 2024 (rounded to tens; Copenhagen 659,350,
//! Kalundborg 48,309 and Læsø 1,759 as quoted in statistics.md §1). The child shares (0-17) are
//! set per municipality type after statistics.md §1 (DST: island and rural municipalities are
//! older, suburbs of Copenhagen and Aarhus younger; families with children 36 % in Skanderborg,
//! Egedal, Solrød, Allerød, under 20 % on Bornholm, in Copenhagen and Odsherred); the national
//! share is ≈19.5 % (1,155,838 children / ≈5.96 m). They are estimates, not FOLK1A values.

/// One municipality of the national data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Municipality {
    pub name: &'static str,
    pub inhabitants: u32,
    /// Share of inhabitants aged 0-17.
    pub child_share: f64,
}

const fn m(name: &'static str, inhabitants: u32, child_share_percent: f64) -> Municipality {
    Municipality {
        name,
        inhabitants,
        child_share: child_share_percent / 100.0,
    }
}

/// All 98 municipalities, by region (Hovedstaden, Sjælland, Syddanmark, Midtjylland, Nordjylland).
pub const MUNICIPALITIES: &[Municipality] = &[
    // Hovedstaden (29)
    m("København", 659_350, 17.0),
    m("Frederiksberg", 104_870, 16.8),
    m("Dragør", 14_650, 21.5),
    m("Tårnby", 43_900, 19.5),
    m("Albertslund", 28_300, 20.5),
    m("Ballerup", 52_400, 19.8),
    m("Brøndby", 39_500, 20.5),
    m("Gentofte", 75_400, 23.0),
    m("Gladsaxe", 70_700, 20.5),
    m("Glostrup", 24_200, 19.5),
    m("Herlev", 30_500, 19.8),
    m("Hvidovre", 54_800, 19.8),
    m("Høje-Taastrup", 58_500, 21.0),
    m("Ishøj", 23_500, 22.0),
    m("Lyngby-Taarbæk", 57_100, 20.5),
    m("Rødovre", 41_700, 20.0),
    m("Vallensbæk", 17_200, 23.0),
    m("Allerød", 26_300, 23.5),
    m("Egedal", 44_800, 23.5),
    m("Fredensborg", 41_400, 20.5),
    m("Frederikssund", 46_600, 20.0),
    m("Furesø", 41_600, 22.5),
    m("Gribskov", 41_800, 18.5),
    m("Halsnæs", 31_600, 17.5),
    m("Helsingør", 63_800, 19.5),
    m("Hillerød", 53_900, 21.5),
    m("Hørsholm", 25_600, 20.5),
    m("Rudersdal", 57_400, 22.5),
    m("Bornholm", 39_300, 15.5),
    // Sjælland (17)
    m("Greve", 51_400, 21.5),
    m("Køge", 62_900, 21.0),
    m("Lejre", 29_000, 22.5),
    m("Roskilde", 90_300, 20.0),
    m("Solrød", 24_000, 23.5),
    m("Faxe", 37_700, 19.5),
    m("Guldborgsund", 60_300, 16.5),
    m("Holbæk", 73_000, 20.0),
    m("Kalundborg", 48_309, 18.5),
    m("Lolland", 40_400, 15.5),
    m("Næstved", 84_600, 19.0),
    m("Odsherred", 32_800, 16.0),
    m("Ringsted", 36_500, 20.5),
    m("Slagelse", 80_000, 18.5),
    m("Sorø", 31_000, 20.0),
    m("Stevns", 23_800, 19.0),
    m("Vordingborg", 45_800, 17.0),
    // Syddanmark (22)
    m("Assens", 40_900, 19.0),
    m("Faaborg-Midtfyn", 51_500, 19.0),
    m("Kerteminde", 24_000, 18.5),
    m("Langeland", 12_200, 14.5),
    m("Middelfart", 39_600, 20.5),
    m("Nordfyn", 29_900, 19.5),
    m("Nyborg", 32_400, 18.5),
    m("Odense", 208_000, 18.5),
    m("Svendborg", 59_100, 18.0),
    m("Ærø", 5_900, 13.0),
    m("Billund", 27_000, 21.0),
    m("Esbjerg", 115_500, 19.5),
    m("Fanø", 3_500, 17.0),
    m("Fredericia", 52_800, 20.0),
    m("Haderslev", 55_500, 19.5),
    m("Kolding", 95_000, 20.5),
    m("Sønderborg", 73_500, 18.5),
    m("Tønder", 36_800, 18.5),
    m("Varde", 49_900, 20.0),
    m("Vejen", 42_800, 20.5),
    m("Vejle", 121_000, 21.0),
    m("Aabenraa", 58_500, 19.0),
    // Midtjylland (19)
    m("Favrskov", 49_700, 23.0),
    m("Hedensted", 47_800, 21.5),
    m("Horsens", 98_000, 20.5),
    m("Norddjurs", 37_400, 17.5),
    m("Odder", 23_600, 21.0),
    m("Randers", 99_800, 19.5),
    m("Samsø", 3_700, 13.5),
    m("Silkeborg", 98_500, 21.0),
    m("Skanderborg", 64_700, 23.5),
    m("Syddjurs", 43_500, 20.0),
    m("Aarhus", 367_000, 18.0),
    m("Herning", 90_300, 20.5),
    m("Holstebro", 59_300, 19.5),
    m("Ikast-Brande", 42_400, 21.0),
    m("Lemvig", 19_600, 18.0),
    m("Ringkøbing-Skjern", 56_200, 19.5),
    m("Skive", 46_000, 18.5),
    m("Struer", 20_600, 18.0),
    m("Viborg", 98_900, 20.5),
    // Nordjylland (11)
    m("Aalborg", 222_000, 18.0),
    m("Brønderslev", 36_800, 20.5),
    m("Frederikshavn", 58_700, 16.5),
    m("Hjørring", 63_600, 18.0),
    m("Jammerbugt", 38_200, 18.5),
    m("Læsø", 1_759, 11.0),
    m("Mariagerfjord", 41_500, 18.5),
    m("Morsø", 19_800, 17.0),
    m("Rebild", 30_900, 21.5),
    m("Thisted", 43_300, 18.5),
    m("Vesthimmerland", 36_300, 18.5),
];

/// The national child share used for a municipality given only by its inhabitants.
pub const NATIONAL_CHILD_SHARE: f64 = 0.195;

/// Folds case and the Danish letters so `kalundborg`, `KØGE` and `koege` find their municipality.
fn fold(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .replace("aa", "å")
        .replace("oe", "ø")
        .replace("ae", "æ")
        .replace(['-', ' '], "")
}

/// The municipality called `name` (case-insensitive; `aa`/`oe`/`ae` for `å`/`ø`/`æ`).
pub fn find(name: &str) -> Option<&'static Municipality> {
    let wanted = fold(name);
    MUNICIPALITIES.iter().find(|m| fold(m.name) == wanted)
}

/// Names close to `name` (for the message about an unknown name), best first, at most five.
pub fn close_matches(name: &str) -> Vec<&'static str> {
    let wanted = fold(name);
    let mut scored: Vec<(usize, &'static str)> = MUNICIPALITIES
        .iter()
        .map(|m| {
            let candidate = fold(m.name);
            let mut distance = edit_distance(&wanted, &candidate);
            if !wanted.is_empty() && (candidate.starts_with(&wanted) || candidate.contains(&wanted))
            {
                distance = distance.min(1);
            }
            (distance, m.name)
        })
        .collect();
    scored.sort();
    let limit = (wanted.chars().count() / 2).max(2);
    scored
        .into_iter()
        .filter(|(distance, _)| *distance <= limit)
        .take(5)
        .map(|(_, name)| name)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != *cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_98_municipalities_summing_to_about_six_million() {
        assert_eq!(MUNICIPALITIES.len(), 98);
        let total: u32 = MUNICIPALITIES.iter().map(|m| m.inhabitants).sum();
        assert!((5_900_000..6_050_000).contains(&total), "{total}");
        let children: f64 = MUNICIPALITIES
            .iter()
            .map(|m| f64::from(m.inhabitants) * m.child_share)
            .sum();
        let share = children / f64::from(total);
        assert!((0.188..0.20).contains(&share), "{share}");
        let smallest = MUNICIPALITIES.iter().min_by_key(|m| m.inhabitants).unwrap();
        assert_eq!(smallest.name, "Læsø");
    }

    #[test]
    fn names_are_found_regardless_of_case_and_spelling_of_danish_letters() {
        assert_eq!(find("kalundborg").unwrap().inhabitants, 48_309);
        assert_eq!(find("KØGE").unwrap().name, "Køge");
        assert_eq!(find("Koege").unwrap().name, "Køge");
        assert_eq!(find("laesoe").unwrap().name, "Læsø");
        assert_eq!(find("Aarhus").unwrap().name, "Aarhus");
        assert_eq!(find("høje taastrup").unwrap().name, "Høje-Taastrup");
        assert!(find("Atlantis").is_none());
        assert!(close_matches("Kalundbor").contains(&"Kalundborg"));
    }
}
