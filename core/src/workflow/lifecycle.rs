//! The interview lifecycle as a pure function of (status, act, actor).
//!
//! ```text
//! draft ──complete──▶ completed ──submit──▶ submitted ──approve──▶ approved ──certify──▶ certified
//!   ▲  ◀──save──────────┘                      │  │                    │
//!   └──save── returned ◀──────return───────────┘  └──reject──▶ rejected │
//!               ▲ └──complete──▶ completed                             │
//!               └──────────────────────reopen──────────────────────────┘
//! ```
//!
//! The owner (the officer who holds the interview) saves, completes and
//! submits. A supervisor whose scope covers the village approves, returns,
//! rejects and reopens — never an interview they own — and certifies, which
//! records the commune's decision on every approved interview at once.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::identity::Role;

/// Where an interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Completed,
    Submitted,
    Approved,
    Certified,
    Returned,
    Rejected,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::Completed,
        Status::Submitted,
        Status::Approved,
        Status::Certified,
        Status::Returned,
        Status::Rejected,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Completed => "completed",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Certified => "certified",
            Status::Returned => "returned",
            Status::Rejected => "rejected",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether the owner may still change the answers.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Completed | Status::Returned)
    }
}

/// Something a user does to an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Act {
    Save,
    Complete,
    Submit,
    Approve,
    Return,
    Reject,
    Reopen,
    Certify,
}

impl Act {
    /// Every act.
    pub const ALL: [Act; 8] = [
        Act::Save,
        Act::Complete,
        Act::Submit,
        Act::Approve,
        Act::Return,
        Act::Reject,
        Act::Reopen,
        Act::Certify,
    ];

    /// The name used in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Act::Save => "interview.save",
            Act::Complete => "interview.complete",
            Act::Submit => "interview.submit",
            Act::Approve => "interview.approve",
            Act::Return => "interview.return",
            Act::Reject => "interview.reject",
            Act::Reopen => "interview.reopen",
            Act::Certify => "interview.certify",
        }
    }

    fn is_review(self) -> bool {
        matches!(self, Act::Approve | Act::Return | Act::Reject | Act::Reopen | Act::Certify)
    }
}

/// Who is acting, as far as the lifecycle cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: Uuid,
    pub role: Role,
    /// Whether the interview's village is inside the actor's scope today.
    pub in_scope: bool,
}

/// The status `act` leads to from `from`, or why it is refused.
pub fn next(from: Status, act: Act, actor: Actor, owner: Uuid) -> Result<Status> {
    if !actor.in_scope {
        return Err(Error::NotPermitted { reason: "the interview is outside the user's scope" });
    }
    if act.is_review() {
        if actor.role != Role::Supervisor {
            return Err(Error::NotPermitted { reason: "only a supervisor reviews interviews" });
        }
        if actor.id == owner && act != Act::Certify {
            return Err(Error::NotPermitted { reason: "nobody reviews their own interview" });
        }
    } else if actor.id != owner {
        return Err(Error::NotPermitted { reason: "only the interview's owner may change it" });
    }
    use Status::*;
    let to = match (from, act) {
        (Draft | Completed | Returned, Act::Save) => Draft,
        (Draft | Returned, Act::Complete) => Completed,
        (Completed, Act::Submit) => Submitted,
        (Submitted, Act::Approve) => Approved,
        (Submitted, Act::Return) => Returned,
        (Submitted, Act::Reject) => Rejected,
        (Approved, Act::Reopen) => Returned,
        (Approved, Act::Certify) => Certified,
        _ => return Err(Error::IllegalTransition { from: from.as_str(), act: act.as_str() }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(id: Uuid) -> Actor {
        Actor { id, role: Role::Officer, in_scope: true }
    }

    fn supervisor() -> Actor {
        Actor { id: Uuid::from_u128(9), role: Role::Supervisor, in_scope: true }
    }

    #[test]
    fn the_happy_path_runs_draft_to_certified() {
        let me = Uuid::from_u128(1);
        let mut s = Status::Draft;
        for (act, actor, want) in [
            (Act::Save, officer(me), Status::Draft),
            (Act::Complete, officer(me), Status::Completed),
            (Act::Submit, officer(me), Status::Submitted),
            (Act::Approve, supervisor(), Status::Approved),
            (Act::Certify, supervisor(), Status::Certified),
        ] {
            s = next(s, act, actor, me).unwrap();
            assert_eq!(s, want);
        }
    }

    #[test]
    fn returned_interviews_go_back_through_completion() {
        let me = Uuid::from_u128(1);
        let s = next(Status::Submitted, Act::Return, supervisor(), me).unwrap();
        assert_eq!(s, Status::Returned);
        assert!(matches!(next(s, Act::Submit, officer(me), me), Err(Error::IllegalTransition { .. })));
        assert_eq!(next(s, Act::Complete, officer(me), me).unwrap(), Status::Completed);
    }

    #[test]
    fn nobody_reviews_their_own_interview() {
        let sup = supervisor();
        for act in [Act::Approve, Act::Return, Act::Reject] {
            assert!(matches!(next(Status::Submitted, act, sup, sup.id), Err(Error::NotPermitted { .. })));
        }
    }

    #[test]
    fn officers_cannot_review_and_others_cannot_edit() {
        let me = Uuid::from_u128(1);
        assert!(matches!(
            next(Status::Submitted, Act::Approve, officer(me), Uuid::from_u128(2)),
            Err(Error::NotPermitted { .. })
        ));
        assert!(matches!(
            next(Status::Draft, Act::Save, officer(Uuid::from_u128(2)), me),
            Err(Error::NotPermitted { .. })
        ));
        assert!(matches!(next(Status::Draft, Act::Save, supervisor(), me), Err(Error::NotPermitted { .. })));
    }

    #[test]
    fn out_of_scope_is_refused_before_anything_else() {
        let me = Uuid::from_u128(1);
        let away = Actor { in_scope: false, ..officer(me) };
        assert!(matches!(next(Status::Draft, Act::Save, away, me), Err(Error::NotPermitted { .. })));
    }

    #[test]
    fn approved_and_final_states_are_locked() {
        let me = Uuid::from_u128(1);
        for from in [Status::Approved, Status::Certified, Status::Rejected, Status::Submitted] {
            assert!(next(from, Act::Save, officer(me), me).is_err(), "{from:?} editable");
            assert!(!from.editable());
        }
        assert_eq!(next(Status::Approved, Act::Reopen, supervisor(), me).unwrap(), Status::Returned);
        for act in Act::ALL {
            assert!(next(Status::Certified, act, supervisor(), me).is_err());
            assert!(next(Status::Rejected, act, supervisor(), me).is_err());
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("lost"), None);
    }
}
