/**
 * Releases MQTT acknowledgements in the order the messages arrived, each only once its work is
 * done and its ack is ready to send. MQTT asks a receiver to PUBACK in arrival order, and in-order
 * release makes "acked" mean "this and everything before it is in Kafka".
 *
 * Work and ack arrive separately: `done(ticket)` when Kafka acknowledged every record of the
 * message, `attach(ticket, send)` when the client is ready to send the PUBACK. A connection loss
 * calls `reset()`: acks of the old connection are never sent (the broker redelivers those messages).
 *
 * @example
 *   const gate = createAckGate();
 *   const a = gate.add(); const b = gate.add();
 *   gate.attach(b, sendB); gate.done(b);   // held: a is not done
 *   gate.attach(a, sendA); gate.done(a);   // sends A then B
 */
export interface AckGate {
  /** Registers a message in arrival order. */
  add(): AckTicket;
  /** The ack to send for the ticket's message (e.g. the PUBACK packet write). */
  attach(ticket: AckTicket, send: () => void): void;
  /** The message's records are all in Kafka (or it needs none). */
  done(ticket: AckTicket): void;
  /** Forgets every pending message; returns how many were dropped. Old tickets are ignored after. */
  reset(): number;
  /** Messages registered and not yet acked. */
  readonly pending: number;
}

export interface AckTicket {
  readonly generation: number;
  readonly seq: number;
}

interface Entry {
  ticket: AckTicket;
  done: boolean;
  send?: () => void;
}

export function createAckGate(): AckGate {
  let generation = 0;
  let seq = 0;
  const queue: Entry[] = [];
  const bySeq = new Map<number, Entry>();

  const find = (ticket: AckTicket): Entry | undefined =>
    ticket.generation === generation ? bySeq.get(ticket.seq) : undefined;

  const release = (): void => {
    while (queue.length > 0) {
      const head = queue[0] as Entry;
      if (!head.done || head.send === undefined) return;
      queue.shift();
      bySeq.delete(head.ticket.seq);
      head.send();
    }
  };

  return {
    add() {
      const ticket = { generation, seq: seq++ };
      const entry: Entry = { ticket, done: false };
      queue.push(entry);
      bySeq.set(ticket.seq, entry);
      return ticket;
    },
    attach(ticket, send) {
      const entry = find(ticket);
      if (!entry) return;
      entry.send = send;
      release();
    },
    done(ticket) {
      const entry = find(ticket);
      if (!entry) return;
      entry.done = true;
      release();
    },
    reset() {
      const dropped = queue.length;
      queue.length = 0;
      bySeq.clear();
      generation++;
      return dropped;
    },
    get pending() {
      return queue.length;
    },
  };
}
