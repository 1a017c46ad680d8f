//! The interview lifecycle through the store: every act, every refusal.

mod common;

use chrono::NaiveDate;
use common::*;
use hearth_core::Error;
use hearth_core::scoring::Category;
use hearth_core::store::Session;
use hearth_core::workflow::{CycleKind, NewComment, NewCycle, Status};

fn cycle(s: &Session) -> uuid::Uuid {
    open_cycle_2026(s)
}

/// The officer's and supervisor's sessions, the 2026 cycle, and one household.
fn started(p: &Phone) -> (Session, Session, uuid::Uuid, hearth_core::household::Household) {
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let off = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let c = cycle(&sup);
    let h = off.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    (off, sup, c, h)
}

#[test]
fn an_interview_runs_from_draft_to_approved_with_a_score() {
    let p = phone();
    let (off, sup, c, h) = started(&p);
    let iv = off.start_interview(h.id, c).unwrap();
    assert_eq!(iv.status, Status::Draft);
    assert_eq!(iv.answers.members.len(), 5, "roster prefilled");
    let iv = off.save_interview(iv.id, iv.revision, answers_for(&h, 5_000_000, true)).unwrap();
    let iv = off.complete_interview(iv.id).unwrap();
    assert_eq!(iv.status, Status::Completed);
    let score = iv.score.as_ref().unwrap();
    assert_eq!(score.category, Category::Poor);
    assert_eq!(score.income_per_capita, Some(1_000_000));
    assert!(score.deprived().count() >= 3);
    let iv = off.submit_interview(iv.id).unwrap();
    assert!(iv.submitted_at_ms.is_some());
    assert_eq!(sup.inbox().unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![iv.id]);
    let iv = sup.approve_interview(iv.id).unwrap();
    assert_eq!(iv.status, Status::Approved);
    assert_eq!(off.interview(iv.id).unwrap(), iv);
    assert!(p.store.verify_audit().unwrap() >= 6);
}

#[test]
fn a_returned_interview_carries_anchored_comments_and_is_resubmitted() {
    let p = phone();
    let (off, sup, c, h) = started(&p);
    let iv = submit_interview(&off, &h, c, 5_000_000, false);
    assert!(
        matches!(sup.return_interview(iv.id, vec![]), Err(Error::Invalid { .. })),
        "a return needs a comment"
    );
    assert!(matches!(
        sup.return_interview(iv.id, vec![NewComment::on("no_such_question", None, "?")]),
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        sup.return_interview(iv.id, vec![NewComment::on("in_school", Some(9), "?")]),
        Err(Error::Invalid { .. })
    ));
    let back = sup
        .return_interview(iv.id, vec![NewComment::on("in_school", Some(2), "Cháu Páo còn đi học không?")])
        .unwrap();
    assert_eq!(back.status, Status::Returned);
    assert_eq!(back.comments[0].question.as_deref(), Some("in_school"));
    assert_eq!(back.comments[0].row, Some(2));
    assert_eq!(back.comments[0].author, p.supervisor);
    assert_eq!(off.returned(None).unwrap().len(), 1);
    let again = off.save_interview(back.id, back.revision, answers_for(&h, 5_000_000, false)).unwrap();
    off.complete_interview(again.id).unwrap();
    off.submit_interview(again.id).unwrap();
    assert!(off.returned(None).unwrap().is_empty());
    assert_eq!(sup.approve_interview(again.id).unwrap().comments.len(), 1, "the comment history stays");
}

#[test]
fn incomplete_answers_list_every_blocking_problem_and_change_nothing() {
    let p = phone();
    let (off, _, c, h) = started(&p);
    let iv = off.start_interview(h.id, c).unwrap();
    let err = off.complete_interview(iv.id).unwrap_err();
    let Error::Incomplete { problems } = err else { panic!("{err:?}") };
    assert!(problems.len() >= 5, "all at once: {}", problems.len());
    assert!(problems.iter().any(|p| p.question == "income_monthly_vnd"));
    assert!(problems.iter().any(|p| p.row.is_some()), "per-member problems name their row");
    assert_eq!(off.interview(iv.id).unwrap(), iv);
}

#[test]
fn nobody_approves_their_own_interview() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let c = cycle(&sup);
    let h = sup.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let iv = submit_interview(&sup, &h, c, 5_000_000, true);
    let audit_before = p.store.audit_entries().unwrap().len();
    assert!(matches!(sup.approve_interview(iv.id), Err(Error::NotPermitted { .. })));
    assert_eq!(sup.interview(iv.id).unwrap(), iv);
    assert_eq!(p.store.audit_entries().unwrap().len(), audit_before);
}

#[test]
fn out_of_scope_users_see_nothing_and_change_nothing() {
    let p = phone();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let off = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let away = p.store.unlock(p.supervisor_away, &pin("555555")).unwrap();
    let other = p.store.unlock(p.outsider, &pin("444444")).unwrap();
    let c = cycle(&sup);
    let h = off.create_household("01108-01", family("Vùi Văn Sình", "002084001234")).unwrap();
    let iv = submit_interview(&off, &h, c, 5_000_000, true);
    assert!(matches!(away.approve_interview(iv.id), Err(Error::NotFound { .. })));
    assert!(matches!(other.interview(iv.id), Err(Error::NotFound { .. })));
    assert!(away.inbox().unwrap().is_empty());
    assert!(matches!(other.start_interview(h.id, c), Err(Error::NotFound { .. })));
    assert_eq!(off.interview(iv.id).unwrap(), iv);
}

#[test]
fn approval_locks_until_an_audited_reopen() {
    let p = phone();
    let (off, sup, c, h) = started(&p);
    let iv = submit_interview(&off, &h, c, 5_000_000, true);
    let iv = sup.approve_interview(iv.id).unwrap();
    let err = off.save_interview(iv.id, iv.revision, answers_for(&h, 50_000_000, false)).unwrap_err();
    assert!(matches!(err, Error::IllegalTransition { from: "approved", .. }), "{err:?}");
    let iv = sup.reopen_interview(iv.id, NewComment::general("Xác minh lại thu nhập")).unwrap();
    assert_eq!(iv.status, Status::Returned);
    assert!(
        p.store.audit_entries().unwrap().iter().any(|e| e.action == "interview.reopen" && e.subject == iv.id)
    );
    off.save_interview(iv.id, iv.revision, answers_for(&h, 50_000_000, false)).unwrap();
}

#[test]
fn a_rejected_interview_is_final() {
    let p = phone();
    let (off, sup, c, h) = started(&p);
    let iv = submit_interview(&off, &h, c, 5_000_000, true);
    let iv = sup.reject_interview(iv.id, NewComment::general("Hộ đã chuyển đi")).unwrap();
    assert_eq!(iv.status, Status::Rejected);
    assert!(matches!(
        off.save_interview(iv.id, iv.revision, iv.answers.clone()),
        Err(Error::IllegalTransition { .. })
    ));
    assert!(matches!(off.start_interview(h.id, c), Err(Error::AlreadyExists { .. })));
}

#[test]
fn a_stale_save_is_refused() {
    let p = phone();
    let (off, _, c, h) = started(&p);
    let iv = off.start_interview(h.id, c).unwrap();
    off.save_interview(iv.id, iv.revision, answers_for(&h, 5_000_000, true)).unwrap();
    assert!(matches!(
        off.save_interview(iv.id, iv.revision, answers_for(&h, 1, true)),
        Err(Error::Stale { .. })
    ));
}

#[test]
fn only_supervisors_open_cycles_and_they_must_cover_the_units() {
    let p = phone();
    let off = p.store.unlock(p.officer, &pin("111111")).unwrap();
    let sup = p.store.unlock(p.supervisor, &pin("222222")).unwrap();
    let new = |units: &[&str], standard: &str| NewCycle {
        year: 2026,
        kind: CycleKind::Periodic,
        standard_id: standard.into(),
        units: units.iter().map(|u| u.to_string()).collect(),
        reference_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
    };
    assert!(matches!(off.open_cycle(new(&["01108"], "vn-2022")), Err(Error::NotPermitted { .. })));
    assert!(matches!(sup.open_cycle(new(&["01096"], "vn-2022")), Err(Error::NotPermitted { .. })));
    assert!(matches!(sup.open_cycle(new(&["01108"], "vn-1999")), Err(Error::Scoring(_))));
    assert!(matches!(sup.open_cycle(new(&[], "vn-2022")), Err(Error::Invalid { .. })));
    let mut bad = new(&["01108"], "vn-2022");
    bad.kind = CycleKind::Regular { month: 13 };
    assert!(matches!(sup.open_cycle(bad), Err(Error::Invalid { .. })));
    assert!(sup.cycles().unwrap().is_empty());
}

#[test]
fn debug_output_of_interviews_answers_and_scores_shows_no_names_or_categories() {
    let p = phone();
    let (off, sup, c, h) = started(&p);
    let iv = submit_interview(&off, &h, c, 5_000_000, true);
    let back = sup.return_interview(iv.id, vec![NewComment::on("area", None, "Hỏi lại bà Sẻ")]).unwrap();
    let shown = format!(
        "{back:?} {:?} {:?} {:?} {:?}",
        back.answers, back.answers.members[0], back.score, back.comments
    );
    for secret in ["Vùi", "Sình", "Sẻ", "poor", "Poor", "1000000"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
