//! Database URLs: which backend a URL names, and how to show one without its password.

use std::path::PathBuf;

use crate::StoreError;

/// Where the data lives, decided from the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    Sqlite(PathBuf),
    /// The URL as given; the `postgres` crate parses it.
    Postgres(String),
}

/// Reads `sqlite://path`, `sqlite:path`, a bare path ending in `.db`, or `postgres://` /
/// `postgresql://`.
pub(crate) fn parse_url(url: &str) -> Result<Location, StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url.to_owned()));
    }
    let sqlite_path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"));
    if let Some(path) = sqlite_path {
        if path.is_empty() {
            return Err(unsupported(url));
        }
        return Ok(Location::Sqlite(PathBuf::from(path)));
    }
    // A bare path is accepted only when it is unmistakably a database file, so that a mistyped
    // scheme (`postgre://...`) is reported instead of becoming a new file.
    if !url.contains("://") && url.ends_with(".db") {
        return Ok(Location::Sqlite(PathBuf::from(url)));
    }
    Err(unsupported(url))
}

fn unsupported(url: &str) -> StoreError {
    StoreError::UnsupportedUrl {
        url: redact_url(url),
    }
}

/// The URL with any password replaced by `***` (in the user info and in a `password=` query
/// parameter), for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return redact_query(url);
    };
    let (scheme, rest) = url.split_at(scheme_end + 3);
    let (before_query, query) = match rest.find('?') {
        Some(position) => rest.split_at(position),
        None => (rest, ""),
    };
    // The last `@` before the query ends the user info: a raw password may itself contain `@`
    // or `/`, while host and database names do not contain `@`.
    let redacted_authority = match before_query.rfind('@') {
        Some(at) => {
            let (user_info, host_and_path) = before_query.split_at(at);
            match user_info.find(':') {
                Some(colon) => format!("{}:***{host_and_path}", &user_info[..colon]),
                None => before_query.to_owned(),
            }
        }
        None => before_query.to_owned(),
    };
    format!("{scheme}{redacted_authority}{}", redact_query(query))
}

/// Replaces the value of every `password=` parameter.
fn redact_query(text: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(position) = rest.find("password=") {
        let value_start = position + "password=".len();
        result.push_str(&rest[..value_start]);
        result.push_str("***");
        let value_end = rest[value_start..]
            .find(['&', ' '])
            .map_or(rest.len(), |end| value_start + end);
        rest = &rest[value_end..];
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_in_all_three_forms_name_a_file() {
        for (url, path) in [
            ("sqlite://data/overblik.db", "data/overblik.db"),
            ("sqlite:///var/lib/overblik.db", "/var/lib/overblik.db"),
            ("sqlite:data/overblik.db", "data/overblik.db"),
            ("data/overblik.db", "data/overblik.db"),
        ] {
            assert_eq!(
                parse_url(url).unwrap(),
                Location::Sqlite(PathBuf::from(path))
            );
        }
    }

    #[test]
    fn postgres_urls_are_passed_through() {
        for url in ["postgres://u@h/db", "postgresql://u:p@h:5432/db"] {
            assert_eq!(parse_url(url).unwrap(), Location::Postgres(url.to_owned()));
        }
    }

    #[test]
    fn other_schemes_are_rejected_without_echoing_a_password() {
        let error = parse_url("mysql://root:hunter2@localhost/db").unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, StoreError::UnsupportedUrl { .. }));
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("sqlite://") && message.contains("postgres://"));
        assert!(parse_url("data/overblik.txt").is_err());
        assert!(parse_url("sqlite://").is_err());
    }

    #[test]
    fn redact_url_hides_passwords_and_keeps_the_rest() {
        let cases = [
            (
                "postgres://user:secret@host:5432/db",
                "postgres://user:***@host:5432/db",
            ),
            ("postgres://user@host/db", "postgres://user@host/db"),
            ("postgres://host/db", "postgres://host/db"),
            (
                "postgres://user:p@ss/w@rd@host/db",
                "postgres://user:***@host/db",
            ),
            (
                "postgres://user@host/db?sslmode=require&password=secret",
                "postgres://user@host/db?sslmode=require&password=***",
            ),
            (
                "postgresql://u:secret@h/db?password=x&application_name=a",
                "postgresql://u:***@h/db?password=***&application_name=a",
            ),
            ("sqlite://data/overblik.db", "sqlite://data/overblik.db"),
            ("host=h password=secret", "host=h password=***"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }
}
