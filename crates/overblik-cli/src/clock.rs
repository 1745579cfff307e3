//! Today's date where overblik's users are: Europe/Copenhagen, whatever the server's zone.

use chrono::NaiveDate;

pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Copenhagen)
        .date_naive()
}
