//! The in-process writer queue of a SQLite database.
//!
//! SQLite lets one transaction write at a time. Left to themselves, writers
//! that find the file locked sleep in SQLite's busy handler with growing
//! back-offs, each holding a pooled connection meanwhile: the slowest write
//! waits far longer than the queue ahead of it, and reads run out of
//! connections. Instead, a process queues its writers here, first come first
//! served, before they take a connection; only the writer at the head of the
//! queue holds one. When the queue is full a writer is refused at once
//! ([`StoreError::Busy`]), which the API answers with 503 and `Retry-After`
//! rather than letting the client time out.
//!
//! Writers in other processes (a `followup migrate`, an outside SQLite
//! client) are still met by SQLite's own lock and busy handler.

use std::sync::{Condvar, Mutex, PoisonError};

use crate::error::StoreError;

/// A first-come-first-served queue of writers, at most `capacity` waiting.
#[derive(Debug)]
pub(crate) struct WriteGate {
    tickets: Mutex<Tickets>,
    turn: Condvar,
    capacity: u64,
}

#[derive(Debug, Default)]
struct Tickets {
    /// The ticket the next writer draws.
    next: u64,
    /// The ticket whose writer may write now.
    serving: u64,
}

/// The right to write, held until dropped; the next writer goes then.
#[derive(Debug)]
pub(crate) struct Turn<'a> {
    gate: &'a WriteGate,
}

impl WriteGate {
    /// A queue that lets `capacity` writers wait behind the one writing.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            tickets: Mutex::new(Tickets::default()),
            turn: Condvar::new(),
            capacity: u64::try_from(capacity).unwrap_or(u64::MAX),
        }
    }

    /// Waits for this writer's turn, or refuses at once when `capacity`
    /// writers are already waiting.
    pub(crate) fn enter(&self) -> Result<Turn<'_>, StoreError> {
        let tickets = self.tickets.lock().unwrap_or_else(PoisonError::into_inner);
        let waiting = (tickets.next - tickets.serving).saturating_sub(1);
        if tickets.next > tickets.serving && waiting >= self.capacity {
            return Err(StoreError::Busy);
        }
        Ok(self.wait_turn(tickets))
    }

    /// Waits for this writer's turn however many are waiting: for the
    /// writer thread ([`crate::writer`]), whose own queue is bounded.
    pub(crate) fn enter_always(&self) -> Turn<'_> {
        let tickets = self.tickets.lock().unwrap_or_else(PoisonError::into_inner);
        self.wait_turn(tickets)
    }

    /// Draws the next ticket and waits until it is served.
    fn wait_turn(&self, mut tickets: std::sync::MutexGuard<'_, Tickets>) -> Turn<'_> {
        let mine = tickets.next;
        tickets.next += 1;
        while tickets.serving != mine {
            tickets = self
                .turn
                .wait(tickets)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Turn { gate: self }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut tickets = self
            .gate
            .tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        tickets.serving += 1;
        self.gate.turn.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn one_writer_at_a_time_in_the_order_they_came() {
        let gate = Arc::new(WriteGate::new(16));
        let inside = Arc::new(AtomicUsize::new(0));
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = gate.enter().unwrap();
        let mut handles = Vec::new();
        for n in 0..8 {
            let (queued, inside, order) = (gate.clone(), inside.clone(), order.clone());
            handles.push(std::thread::spawn(move || {
                let _turn = queued.enter().unwrap();
                assert_eq!(
                    inside.fetch_add(1, Ordering::SeqCst),
                    0,
                    "two writers at once"
                );
                order.lock().unwrap().push(n);
                std::thread::sleep(Duration::from_millis(2));
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
            // Let each thread draw its ticket before the next one starts.
            while gate.tickets.lock().unwrap().next < n + 2 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn a_full_queue_refuses_at_once_and_frees_up_again() {
        let gate = Arc::new(WriteGate::new(1));
        let writing = gate.enter().unwrap();
        let waiter = {
            let gate = gate.clone();
            std::thread::spawn(move || gate.enter().map(|_| ()))
        };
        while gate.tickets.lock().unwrap().next < 2 {
            std::thread::yield_now();
        }
        assert!(matches!(gate.enter(), Err(StoreError::Busy)));
        drop(writing);
        waiter.join().unwrap().unwrap();
        assert!(gate.enter().is_ok());
    }
}
