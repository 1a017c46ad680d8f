//! One `Hearth` and one `Session` shared by many threads, as a phone's UI,
//! sync and background work share them: calls interleave, none is lost, and
//! locking a session mid-flight refuses later calls cleanly.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::*;
use hearth_ffi::*;

#[test]
fn threads_sharing_one_session_each_save_their_own_households() {
    let p = phone();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let off = Arc::clone(&off);
            thread::spawn(move || {
                for _ in 0..10 {
                    let h = off.create_household("01108-01".into(), couple()).unwrap();
                    assert!(off.household(h.id).unwrap().revision == 1);
                    off.households_in("01108-01".into()).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(off.households_in("01108-01".into()).unwrap().len(), 40);
}

#[test]
fn threads_unlock_and_work_through_one_hearth_at_once() {
    let p = phone();
    let hearth = Arc::clone(&p.hearth);
    let users = [(p.officer.clone(), "111111"), (p.supervisor.clone(), "222222")];
    let handles: Vec<_> = users
        .into_iter()
        .map(|(user, pin)| {
            let hearth = Arc::clone(&hearth);
            thread::spawn(move || {
                for _ in 0..5 {
                    let s = hearth.unlock(user.clone(), pin.into()).unwrap();
                    s.create_household("01108-01".into(), couple()).unwrap();
                    hearth.users().unwrap();
                    s.lock();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let off = hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    assert_eq!(off.households_in("01108-01".into()).unwrap().len(), 10);
}

#[test]
fn locking_a_session_while_other_threads_use_it_refuses_their_later_calls() {
    let p = phone();
    let off = p.hearth.unlock(p.officer.clone(), "111111".into()).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (off, calls) = (Arc::clone(&off), Arc::clone(&calls));
            thread::spawn(move || {
                loop {
                    match off.households_in("01108-01".into()) {
                        Ok(_) => calls.fetch_add(1, Ordering::SeqCst),
                        Err(HearthError::Closed { .. }) => break,
                        Err(e) => panic!("{e:?}"),
                    };
                }
                off.households_in("01108-01".into()).err()
            })
        })
        .collect();
    while calls.load(Ordering::SeqCst) < 30 {
        thread::yield_now();
    }
    off.lock();
    for h in handles {
        let after = h.join().unwrap();
        assert_eq!(
            after,
            Some(HearthError::Closed { object: "session".into() }),
            "no call succeeds after the lock"
        );
    }
}
