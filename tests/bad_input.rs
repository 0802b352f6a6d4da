//! Every class of bad input is rejected with a typed error whose message
//! names the record, the field and the value — never a panic.

use mentormatch::model::{InstanceData, Location, Mentor, Participant};
use mentormatch::{Config, Error, Instance};
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "participants": [{
            "id": "p-001",
            "skills": [{"skill": "care.elderly", "level": 3}],
            "languages": [{"code": "ar", "level": "native"}, {"code": "fr", "level": "A2"}],
            "location": {"lat": 49.6116, "lon": 6.1319},
            "max_travel_km": 25.0,
            "availability": ["mon 09:00-12:00", "tue-thu 14:00-18:00"],
            "goals": ["internship"],
            "audit": {"gender": "f", "origin": "SY"}
        }],
        "mentors": [{
            "id": "m-01",
            "languages": [{"code": "fr", "level": "C2"}],
            "location": {"lat": 49.50, "lon": 5.98},
            "max_travel_km": 30.0,
            "availability": ["mon-fri 08:00-18:00"],
            "capacity": 3
        }],
        "companies": [{
            "id": "c-01", "name": "Clinique du Parc", "sector": "health",
            "location": {"lat": 49.63, "lon": 6.17},
            "offers": [{"id": "c-01/intern-1", "kind": "internship", "slots": 2,
                        "required_languages": [{"code": "fr", "level": "A2"}],
                        "schedule": ["mon 09:00-11:00"]}]
        }],
        "pinned": [{"participant": "p-001", "mentor": "m-01"}],
        "forbidden": [{"participant": "p-001", "offer": "c-01/intern-1"}]
    })
}

/// Apply `edit` to the base instance and return the error message.
fn reject(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    edit(&mut v);
    let err = Instance::from_json(&v.to_string()).expect_err("bad input accepted");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    err.to_string()
}

fn set(v: &mut Value, ptr: &str, x: Value) {
    *v.pointer_mut(ptr).unwrap_or_else(|| panic!("{ptr}")) = x;
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}: {msg}");
    }
}

#[test]
fn base_is_valid() {
    let inst = Instance::from_json(&base().to_string()).unwrap();
    assert_eq!(inst.participant_count(), 1);
}

#[test]
fn duplicate_ids() {
    let m = reject(|v| {
        let p = v["participants"][0].clone();
        v["participants"].as_array_mut().unwrap().push(p);
    });
    has(
        &m,
        &[
            "participant \"p-001\" field `id`",
            "duplicate participant id",
        ],
    );
    let m = reject(|v| {
        let o = v["companies"][0]["offers"][0].clone();
        v["companies"][0]["offers"].as_array_mut().unwrap().push(o);
    });
    has(
        &m,
        &[
            "company \"c-01\" field `offers[1].id`",
            "\"c-01/intern-1\"",
            "duplicate offer id",
        ],
    );
    let m = reject(|v| {
        let c = v["mentors"][0].clone();
        v["mentors"].as_array_mut().unwrap().push(c);
    });
    has(&m, &["mentor \"m-01\" field `id`", "duplicate mentor id"]);
}

#[test]
fn unresolved_references() {
    let m = reject(|v| set(v, "/pinned/0/mentor", json!("m-99")));
    has(
        &m,
        &["pinned[0] field `mentor` = \"m-99\"", "unknown mentor id"],
    );
    let m = reject(|v| set(v, "/forbidden/0/participant", json!("p-404")));
    has(
        &m,
        &[
            "forbidden[0] field `participant` = \"p-404\"",
            "unknown participant id",
        ],
    );
    let m = reject(|v| set(v, "/forbidden/0/offer", json!("c-01/nothing")));
    has(
        &m,
        &[
            "forbidden[0] field `offer` = \"c-01/nothing\"",
            "unknown offer id",
        ],
    );
    let m = reject(|v| set(v, "/pinned/0", json!({"participant": "p-001"})));
    has(&m, &["pinned[0]", "exactly one of `mentor` and `offer`"]);
}

#[test]
fn coordinates_out_of_range() {
    let m = reject(|v| set(v, "/participants/0/location/lat", json!(90.5)));
    has(
        &m,
        &[
            "participant \"p-001\" field `location.lat` = 90.5",
            "latitude",
        ],
    );
    let m = reject(|v| set(v, "/companies/0/location/lon", json!(-181)));
    has(
        &m,
        &["company \"c-01\" field `location.lon` = -181", "longitude"],
    );
}

#[test]
fn non_finite_values_from_rust() {
    let mut data = InstanceData::default();
    data.participants.push(Participant::new(
        "p-1",
        Location::new(f64::NAN, 6.0),
        f64::INFINITY,
    ));
    data.mentors
        .push(Mentor::new("m-1", Location::new(49.0, 6.0), -3.0, 1));
    let m = Instance::new(data).unwrap_err().to_string();
    has(
        &m,
        &[
            "participant \"p-1\" field `location.lat` = NaN (not finite)",
            "participant \"p-1\" field `max_travel_km` = inf (not finite)",
            "mentor \"m-1\" field `max_travel_km` = -3",
        ],
    );
}

#[test]
fn travel_radius_negative() {
    let m = reject(|v| set(v, "/mentors/0/max_travel_km", json!(-1.5)));
    has(
        &m,
        &[
            "mentor \"m-01\" field `max_travel_km` = -1.5",
            "travel radius",
        ],
    );
}

#[test]
fn unknown_cefr_level() {
    let m = reject(|v| set(v, "/participants/0/languages/1/level", json!("B3")));
    has(
        &m,
        &[
            "participant \"p-001\" field `languages[1].level` = \"B3\"",
            "unknown variant `B3`",
        ],
    );
}

#[test]
fn malformed_language_code() {
    let m = reject(|v| set(v, "/mentors/0/languages/0/code", json!("French")));
    has(
        &m,
        &[
            "mentor \"m-01\" field `languages[0].code` = \"French\"",
            "ISO 639",
        ],
    );
}

#[test]
fn malformed_time_ranges() {
    for (bad, why) in [
        ("mnd 09:00-12:00", "unknown day"),
        ("mon 09:10-12:00", "15-minute grid"),
        ("mon 12:00-09:00", "end must be after start"),
        ("mon 12:00-12:00", "end must be after start"),
    ] {
        let m = reject(|v| set(v, "/participants/0/availability/1", json!(bad)));
        has(
            &m,
            &["participant \"p-001\" field `availability[1]`", bad, why],
        );
    }
    let m = reject(|v| {
        set(
            v,
            "/companies/0/offers/0/schedule/0",
            json!("mon 08:00-25:00"),
        );
    });
    has(
        &m,
        &["company \"c-01\" field `offers[0].schedule[0]`", "25:00"],
    );
}

#[test]
fn skill_level_out_of_range() {
    let m = reject(|v| set(v, "/participants/0/skills/0/level", json!(6)));
    has(
        &m,
        &["participant \"p-001\" field `skills[0].level` = 6", "1..=5"],
    );
    let m = reject(|v| set(v, "/participants/0/skills/0/level", json!(0)));
    has(&m, &["`skills[0].level` = 0"]);
}

#[test]
fn capacity_and_slots_bounds() {
    let m = reject(|v| set(v, "/mentors/0/capacity", json!(0)));
    has(&m, &["mentor \"m-01\" field `capacity` = 0", "1..=1000"]);
    let m = reject(|v| set(v, "/mentors/0/capacity", json!(5000)));
    has(&m, &["mentor \"m-01\" field `capacity` = 5000"]);
    let m = reject(|v| set(v, "/companies/0/offers/0/slots", json!(0)));
    has(&m, &["company \"c-01\" field `offers[0].slots` = 0"]);
    let m = reject(|v| set(v, "/mentors/0/capacity", json!(-2)));
    has(&m, &["mentor \"m-01\" field `capacity` = -2"]);
}

#[test]
fn unknown_offer_kind() {
    let m = reject(|v| set(v, "/companies/0/offers/0/kind", json!("volunteering")));
    has(
        &m,
        &[
            "company \"c-01\" field `offers[0].kind` = \"volunteering\"",
            "unknown variant",
        ],
    );
}

#[test]
fn unknown_fields_are_not_dropped() {
    let m = reject(|v| {
        v["mentors"][0]["capactiy"] = json!(2);
    });
    has(&m, &["mentor \"m-01\" field `capactiy`", "unknown field"]);
    let m = reject(|v| {
        v["participants"][0]["location"]["lng"] = json!(6.1);
    });
    has(&m, &["participant \"p-001\" field `location.lng`"]);
    let m = reject(|v| {
        v["mentorz"] = json!([]);
    });
    has(&m, &["instance field `mentorz`", "unknown field"]);
}

#[test]
fn all_problems_reported_at_once() {
    let m = reject(|v| {
        set(v, "/participants/0/location/lat", json!(100));
        set(v, "/mentors/0/capacity", json!(0));
        v["companies"][0]["offers"][0]["slotz"] = json!(1);
        set(v, "/pinned/0/mentor", json!("m-02"));
    });
    has(
        &m,
        &["4 problems", "location.lat", "capacity", "slotz", "m-02"],
    );
    // The offer that failed to parse is still known, so the forbidden pair
    // naming it is not reported a second time.
    assert!(!m.contains("unknown offer id"), "{m}");
}

#[test]
fn pins_beyond_capacity_and_conflicts() {
    let m = reject(|v| {
        set(v, "/mentors/0/capacity", json!(1));
        let mut p2 = v["participants"][0].clone();
        p2["id"] = json!("p-002");
        v["participants"].as_array_mut().unwrap().push(p2);
        v["pinned"]
            .as_array_mut()
            .unwrap()
            .push(json!({"participant": "p-002", "mentor": "m-01"}));
    });
    has(
        &m,
        &[
            "mentor \"m-01\" field `capacity` = 1",
            "2 participants are pinned",
        ],
    );
    let m = reject(|v| {
        v["forbidden"]
            .as_array_mut()
            .unwrap()
            .push(json!({"participant": "p-001", "mentor": "m-01"}));
    });
    has(&m, &["both pinned and forbidden"]);
}

#[test]
fn not_json_or_wrong_shape() {
    let err = Instance::from_json("{\"participants\": [").unwrap_err();
    assert!(matches!(err, Error::Parse { .. }), "{err:?}");
    assert!(err.to_string().contains("line 1"), "{err}");
    let err = Instance::from_json("[1, 2]").unwrap_err();
    assert!(matches!(err, Error::Parse { .. }));
    let m = reject(|v| v["participants"] = json!({"id": "p"}));
    has(&m, &["instance field `participants`", "expected a list"]);
    let m = reject(|v| set(v, "/participants/0", json!(17)));
    has(&m, &["participants[0]", "invalid type"]);
}

#[test]
fn bad_config_is_rejected() {
    let err = Config::from_json(r#"{"objective": "fastest"}"#).unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `fastest`"),
        "{err}"
    );
    let err = Config::from_json(r#"{"rules": {"min_common_minuts": 30}}"#).unwrap_err();
    assert!(err.to_string().contains("min_common_minuts"), "{err}");
    let err = Config::from_json(r#"{"weights": {"skills": 999999999}}"#).unwrap_err();
    assert!(
        matches!(err, Error::Config { ref field, .. } if field == "weights.skills"),
        "{err}"
    );
}

#[test]
fn input_is_not_mutated() {
    let text = base().to_string();
    let data: InstanceData = serde_json::from_str(&text).unwrap();
    let inst = Instance::new(data.clone()).unwrap();
    assert_eq!(inst.data(), &data);
    let back = serde_json::to_value(&inst).unwrap();
    let again: InstanceData = serde_json::from_value(back).unwrap();
    assert_eq!(again, data);
}

#[test]
fn every_parse_problem_of_a_record_is_reported() {
    let m = reject(|v| {
        set(v, "/participants/0/languages/0/level", json!("B3"));
        set(
            v,
            "/participants/0/availability/1",
            json!("tue-thu 14:00-18:10"),
        );
        set(v, "/participants/0/location/lat", json!(123));
        v["participants"][0]["waitng_days"] = json!(3);
        v["mentors"][0].as_object_mut().unwrap().remove("capacity");
    });
    has(
        &m,
        &[
            "5 problems",
            "participant \"p-001\" field `languages[0].level` = \"B3\"",
            "participant \"p-001\" field `availability[1]` = \"tue-thu 14:00-18:10\"",
            "participant \"p-001\" field `waitng_days`",
            "participant \"p-001\" field `location.lat` = 123",
            "mentor \"m-01\" field `capacity`: missing field `capacity`",
        ],
    );
}

#[test]
fn a_participant_pinned_twice_on_one_side() {
    let m = reject(|v| {
        let mut m2 = v["mentors"][0].clone();
        m2["id"] = json!("m-02");
        v["mentors"].as_array_mut().unwrap().push(m2);
        v["pinned"]
            .as_array_mut()
            .unwrap()
            .push(json!({"participant": "p-001", "mentor": "m-02"}));
    });
    has(
        &m,
        &[
            "pinned[1] field `participant` = \"p-001\"",
            "pinned to more than one mentor",
        ],
    );
    let m = reject(|v| {
        let mut o2 = v["companies"][0]["offers"][0].clone();
        o2["id"] = json!("c-01/intern-2");
        v["companies"][0]["offers"].as_array_mut().unwrap().push(o2);
        v["forbidden"] = json!([]);
        v["pinned"]
            .as_array_mut()
            .unwrap()
            .push(json!({"participant": "p-001", "offer": "c-01/intern-1"}));
        v["pinned"]
            .as_array_mut()
            .unwrap()
            .push(json!({"participant": "p-001", "offer": "c-01/intern-2"}));
    });
    has(
        &m,
        &[
            "pinned[2] field `participant` = \"p-001\"",
            "pinned to more than one offer",
        ],
    );
    assert!(m.contains("1 problem"), "{m}");
}
