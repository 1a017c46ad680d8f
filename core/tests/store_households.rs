//! Households through the sealed store: scope, search, revisions, tombstones.

mod common;

use common::*;
use hearth_core::Error;
use hearth_core::household::Relationship;

#[test]
fn saved_household_reads_back_whole() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    assert_eq!(h.revision, 1);
    assert_eq!(s.household(h.id).unwrap(), h);
    assert_eq!(s.households_in("01108-01").unwrap(), vec![h.clone()]);
    assert!(s.households_in("01108-02").unwrap().is_empty());
}

#[test]
fn search_folds_diacritics_and_case_but_not_spelling() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let a = s.create_household("01108-01", family("Nguyễn Văn A", "001099000111")).unwrap();
    s.create_household("01108-02", family("Nguyễn Văn An", "001099000222")).unwrap();
    let found = s.find_households("nguyen van a").unwrap();
    assert_eq!(found.iter().map(|h| h.id).collect::<Vec<_>>(), vec![a.id]);
    assert!(!s.find_households("Nguyen Van An").unwrap().iter().any(|h| h.id == a.id));
    assert_eq!(s.find_households(" 001099000111 ").unwrap()[0].id, a.id);
    // A spouse's name finds the household too.
    assert_eq!(s.find_households("LU THI SE").unwrap().len(), 2);
    assert!(s.find_households("").unwrap().is_empty());
}

#[test]
fn an_officer_cannot_touch_a_household_outside_their_scope() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    // 01096-01 lies in Pà Vầy Sủ, not in the officer's 01108.
    let err = s.create_household("01096-01", family("Giàng Thị Sua", "001099000333")).unwrap_err();
    assert!(matches!(err, Error::NotPermitted { .. }), "{err:?}");
    assert!(matches!(s.households_in("01096-01"), Err(Error::NotPermitted { .. })));
    // An unknown village is outside every scope.
    assert!(matches!(
        s.create_household("01108-99", family("X", "001099000334")),
        Err(Error::NotPermitted { .. })
    ));
    // Moving one of theirs out of scope is refused and changes nothing.
    let mut h = s.create_household("01108-01", family("Giàng Thị Sua", "001099000333")).unwrap();
    h.village = "01096-01".into();
    assert!(matches!(s.update_household(&h), Err(Error::NotPermitted { .. })));
    assert_eq!(s.household(h.id).unwrap().village, "01108-01");
}

#[test]
fn a_household_in_another_scope_is_invisible() {
    let p = phone();
    let other = enrol_after(&p, "Sùng A Pà", "333333", &["01096"]);
    let theirs = other.create_household("01096-01", family("Giàng Thị Sua", "001099000333")).unwrap();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    assert!(matches!(s.household(theirs.id), Err(Error::NotFound { .. })));
    assert!(s.find_households("Giàng Thị Sua").unwrap().is_empty());
}

fn enrol_after(p: &Phone, name: &str, pin_: &str, scope: &[&str]) -> hearth_core::store::Session {
    // Another phone, provisioned by the same authority.
    let fresh = p.dir.path().join(format!("{pin_}.db"));
    let store =
        hearth_core::store::Store::create(&fresh, provider(), p.authority.public_key(), options(&p.clock))
            .unwrap();
    store.import_units_csv(XIN_MAN).unwrap();
    store.import_units_csv(VILLAGES).unwrap();
    let id = enrol(&store, &p.authority, name, pin_, hearth_core::identity::Role::Officer, scope);
    store.finish_provisioning();
    store.unlock(id, &pin(pin_)).unwrap()
}

#[test]
fn stale_updates_are_refused_and_fresh_ones_bump_the_revision() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let mut edit = h.clone();
    edit.details.notes = "Nhà tạm, mái lá".into();
    let saved = s.update_household(&edit).unwrap();
    assert_eq!(saved.revision, 2);
    assert!(matches!(s.update_household(&edit), Err(Error::Stale { .. })));
    assert_eq!(s.household(h.id).unwrap(), saved);
}

#[test]
fn renaming_a_member_moves_their_search_token() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let mut h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    h.details.members[0].full_name = "Vùi Văn Sềnh".into();
    s.update_household(&h).unwrap();
    assert!(s.find_households("Vui Van Sinh").unwrap().is_empty());
    assert_eq!(s.find_households("Vui Van Senh").unwrap().len(), 1);
}

#[test]
fn deleting_leaves_a_tombstone_and_no_search_tokens() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let h = s.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    s.delete_household(h.id).unwrap();
    assert!(matches!(s.household(h.id), Err(Error::NotFound { .. })));
    assert!(s.find_households("Vùi Văn Sình").unwrap().is_empty());
    assert!(matches!(s.delete_household(h.id), Err(Error::NotFound { .. })));
    let c = rusqlite::Connection::open(&p.path).unwrap();
    let (deleted, tokens): (i64, i64) = c
        .query_row(
            "SELECT deleted, (SELECT count(*) FROM household_tokens WHERE household_id = h.id) FROM households h WHERE id = ?1",
            [h.id.as_bytes()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((deleted, tokens), (1, 0));
}

#[test]
fn malformed_households_are_refused_naming_the_field_and_nothing_is_written() {
    let p = phone();
    let s = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let mut cases = Vec::new();
    let mut d = family("A", "001099000111");
    d.members[1].relationship = Relationship::Head;
    cases.push((d, "members"));
    let mut d = family("A", "001099000111");
    d.members[2].full_name = "  ".into();
    cases.push((d, "members[2].full_name"));
    let mut d = family("A", "001099000111");
    d.members[0].national_id = Some("12AB".into());
    cases.push((d, "members[0].national_id"));
    let mut d = family("A", "001099000111");
    d.members[3].birth = hearth_core::household::PartialDate { year: 2030, month: None, day: None };
    cases.push((d, "members[3].birth"));
    let mut d = family("A", "001099000111");
    d.members.clear();
    cases.push((d, "members"));
    let mut d = family("A", "001099000111");
    d.phone = Some("call me".into());
    cases.push((d, "phone"));
    for (details, field) in cases {
        match s.create_household("01108-01", details) {
            Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let c = rusqlite::Connection::open(&p.path).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM households", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
}

#[test]
fn a_supervisor_in_scope_may_edit_and_an_administrator_may_not() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let h = sup.create_household("01108-02", family("Vùi Văn Sình", "002084001234")).unwrap();
    let officer = p.store.unlock(p.officer, &pin("111111")).unwrap();
    assert_eq!(officer.household(h.id).unwrap().id, h.id);

    let store = hearth_core::store::Store::create(
        &p.dir.path().join("admin.db"),
        provider(),
        p.authority.public_key(),
        options(&p.clock),
    )
    .unwrap();
    store.import_units_csv(XIN_MAN).unwrap();
    store.import_units_csv(VILLAGES).unwrap();
    let admin = enrol(
        &store,
        &p.authority,
        "Quản trị",
        "999999",
        hearth_core::identity::Role::Administrator,
        &["08"],
    );
    let admin = store.unlock(admin, &pin("999999")).unwrap();
    let err = admin.create_household("01108-02", family("Vùi Văn Sình", "002084001234")).unwrap_err();
    assert!(matches!(err, Error::NotPermitted { .. }), "{err:?}");
}
