//! Cloudflare locations the simulator knows by IATA code, with coordinates (airport positions,
//! rounded to a tenth of a degree) and the Durable Object / D1 region they belong to.

/// One data centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Colo {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Location-hint region: wnam, enam, sam, weur, eeur, apac, oc, afr, me.
    pub region: &'static str,
}

/// (IATA, latitude, longitude, region)
const BUILT_IN: &[(&str, f64, f64, &str)] = &[
    ("SJC", 37.4, -121.9, "wnam"),
    ("SFO", 37.6, -122.4, "wnam"),
    ("LAX", 33.9, -118.4, "wnam"),
    ("SEA", 47.4, -122.3, "wnam"),
    ("PDX", 45.6, -122.6, "wnam"),
    ("DEN", 39.9, -104.7, "wnam"),
    ("PHX", 33.4, -112.0, "wnam"),
    ("DFW", 32.9, -97.0, "enam"),
    ("ORD", 42.0, -87.9, "enam"),
    ("ATL", 33.6, -84.4, "enam"),
    ("MIA", 25.8, -80.3, "enam"),
    ("IAD", 38.9, -77.5, "enam"),
    ("EWR", 40.7, -74.2, "enam"),
    ("BOS", 42.4, -71.0, "enam"),
    ("YYZ", 43.7, -79.6, "enam"),
    ("YVR", 49.2, -123.2, "wnam"),
    ("MEX", 19.4, -99.1, "wnam"),
    ("GRU", -23.4, -46.5, "sam"),
    ("EZE", -34.8, -58.5, "sam"),
    ("SCL", -33.4, -70.8, "sam"),
    ("BOG", 4.7, -74.1, "sam"),
    ("LIM", -12.0, -77.1, "sam"),
    ("LHR", 51.5, -0.5, "weur"),
    ("CDG", 49.0, 2.5, "weur"),
    ("AMS", 52.3, 4.8, "weur"),
    ("FRA", 50.0, 8.6, "weur"),
    ("MAD", 40.5, -3.6, "weur"),
    ("MXP", 45.6, 8.7, "weur"),
    ("ZRH", 47.5, 8.6, "weur"),
    ("DUB", 53.4, -6.3, "weur"),
    ("CPH", 55.6, 12.7, "weur"),
    ("ARN", 59.7, 17.9, "eeur"),
    ("WAW", 52.2, 21.0, "eeur"),
    ("VIE", 48.1, 16.6, "eeur"),
    ("PRG", 50.1, 14.3, "eeur"),
    ("HEL", 60.3, 25.0, "eeur"),
    ("IST", 41.3, 28.8, "eeur"),
    ("ATH", 37.9, 23.9, "eeur"),
    ("DXB", 25.3, 55.4, "me"),
    ("TLV", 32.0, 34.9, "me"),
    ("DOH", 25.3, 51.6, "me"),
    ("JNB", -26.1, 28.2, "afr"),
    ("CPT", -34.0, 18.6, "afr"),
    ("LOS", 6.6, 3.3, "afr"),
    ("NBO", -1.3, 36.9, "afr"),
    ("CAI", 30.1, 31.4, "afr"),
    ("BOM", 19.1, 72.9, "apac"),
    ("DEL", 28.6, 77.1, "apac"),
    ("MAA", 13.0, 80.2, "apac"),
    ("SIN", 1.4, 104.0, "apac"),
    ("HKG", 22.3, 113.9, "apac"),
    ("NRT", 35.8, 140.4, "apac"),
    ("KIX", 34.4, 135.2, "apac"),
    ("ICN", 37.5, 126.4, "apac"),
    ("TPE", 25.1, 121.2, "apac"),
    ("BKK", 13.7, 100.7, "apac"),
    ("KUL", 2.7, 101.7, "apac"),
    ("CGK", -6.1, 106.7, "apac"),
    ("MNL", 14.5, 121.0, "apac"),
    ("SYD", -33.9, 151.2, "oc"),
    ("MEL", -37.7, 144.8, "oc"),
    ("BNE", -27.4, 153.1, "oc"),
    ("PER", -31.9, 116.0, "oc"),
    ("AKL", -37.0, 174.8, "oc"),
];

/// The built-in colo named `name` (IATA code, case-insensitive).
pub fn built_in(name: &str) -> Option<Colo> {
    BUILT_IN
        .iter()
        .find(|(iata, ..)| iata.eq_ignore_ascii_case(name))
        .map(|&(iata, lat, lon, region)| Colo {
            name: iata.to_string(),
            lat,
            lon,
            region,
        })
}

pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(iata, ..)| *iata)
}

/// Great-circle distance in kilometres (haversine, mean Earth radius).
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_at_least_forty_distinct_colos() {
        let names: std::collections::BTreeSet<&str> = built_in_names().collect();
        assert!(names.len() >= 40, "{}", names.len());
        assert_eq!(names.len(), BUILT_IN.len());
    }

    #[test]
    fn london_to_singapore_is_about_10900_km() {
        let (lhr, sin) = (built_in("lhr").unwrap(), built_in("SIN").unwrap());
        let d = distance_km((lhr.lat, lhr.lon), (sin.lat, sin.lon));
        assert!((10_800.0..11_000.0).contains(&d), "{d}");
    }
}
