/**
 * Releases MQTT acknowledgements in the order the messages arrived, each only once its work is
 * done. MQTT asks a receiver to PUBACK in arrival order, and in-order release makes "acked" mean
 * "this and everything before it is in Kafka".
 *
 * `add(ack)` registers a message with what its acknowledgement is (e.g. the PUBLISH packet id);
 * `done(ticket)` says Kafka acknowledged every record of the message. Released acks go to `send`
 * one by one, in arrival order, then `flush` once per release (so a batch of acks can be written
 * in one go). A connection loss calls `reset()`: acks of the old connection are never sent (the
 * broker redelivers those messages).
 *
 * @example
 *   const gate = createAckGate<number>((id) => ids.push(id), () => writePubacks(ids));
 *   const a = gate.add(1); const b = gate.add(2);
 *   gate.done(b);   // held: a is not done
 *   gate.done(a);   // sends 1 then 2, then flushes
 */
export interface AckGate<A> {
  /** Registers a message in arrival order, with its ack. */
  add(ack: A): AckTicket;
  /** The message's records are all in Kafka (or it needs none). */
  done(ticket: AckTicket): void;
  /** Forgets every pending message; returns how many were dropped. Old tickets are ignored after. */
  reset(): number;
  /** Messages registered and not yet acked. */
  readonly pending: number;
}

/** Opaque: what `add` returns and `done` takes. */
export interface AckTicket {
  readonly generation: number;
}

interface Entry<A> extends AckTicket {
  done: boolean;
  ack: A;
}

export function createAckGate<A>(send: (ack: A) => void, flush: () => void = () => {}): AckGate<A> {
  let generation = 0;
  // Entries from `head` on are pending; the array is compacted when the head has moved far enough.
  let queue: Entry<A>[] = [];
  let head = 0;

  const release = (): void => {
    const start = head;
    while (head < queue.length) {
      const entry = queue[head] as Entry<A>;
      if (!entry.done) break;
      head++;
      send(entry.ack);
    }
    if (head === start) return;
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head >= 1024) {
      queue = queue.slice(head);
      head = 0;
    }
    flush();
  };

  return {
    add(ack) {
      const entry: Entry<A> = { generation, done: false, ack };
      queue.push(entry);
      return entry;
    },
    done(ticket) {
      const entry = ticket as Entry<A>;
      if (entry.generation !== generation || entry.done) return;
      entry.done = true;
      release();
    },
    reset() {
      const dropped = queue.length - head;
      queue = [];
      head = 0;
      generation++;
      return dropped;
    },
    get pending() {
      return queue.length - head;
    },
  };
}
