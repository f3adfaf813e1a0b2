/** A PUBLISH packet as the splitter decoded it. The payload is a view into the received bytes. */
export interface IncomingPublish {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
  dup: boolean;
  /** The packet identifier (QoS 1). */
  messageId: number | undefined;
}

export interface PublishSplitterOptions {
  /** 5: PUBLISH packets carry properties after the packet identifier. */
  protocolVersion: number;
  /** A PUBLISH the splitter decoded, in arrival order. Return false to stop until `resume()`. */
  onPublish(publish: IncomingPublish): boolean;
  /** Whole packets of any other kind (and PUBLISH packets it leaves alone), in arrival order. */
  onOther(bytes: Buffer): void;
}

const PUBLISH = 3;
const TOPIC_ALIAS = 0x23;

/**
 * Splits the bytes an MQTT broker sends into the PUBLISH packets of the connector's subscription,
 * decoded here without copying the payload, and everything else (CONNACK, SUBACK, PINGRESP,
 * DISCONNECT...), handed on untouched for mqtt.js to parse. mqtt.js parses a packet into a
 * generic object through a buffer list and a tick per packet; for the one packet kind that comes
 * thousands of times a second, a direct decode is a fraction of that.
 *
 * Left to mqtt.js (passed on as bytes): QoS 2 and malformed PUBLISH packets, and those using a
 * topic alias (the connector does not offer any, so a broker should send none). Packets come out
 * in arrival order: the other bytes gathered so far are handed on before each decoded PUBLISH.
 *
 * @example
 *   const splitter = new PublishSplitter({ protocolVersion: 5, onPublish: (p) => take(p), onOther: (b) => mqttjs.write(b) });
 *   socket.on('data', (chunk) => splitter.push(chunk));
 */
export class PublishSplitter {
  /** Received bytes not yet taken (a partial packet, or what waits for `resume`). */
  private rest: Buffer | undefined;
  private stopped = false;
  private readonly other: Buffer[] = [];

  constructor(private readonly options: PublishSplitterOptions) {}

  /** True when `onPublish` asked to stop and bytes wait for `resume()`. */
  get held(): boolean {
    return this.stopped;
  }

  push(chunk: Buffer): void {
    this.rest = this.rest === undefined || this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    if (!this.stopped) this.take();
  }

  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.take();
  }

  private take(): void {
    const buf = this.rest;
    if (buf === undefined) return;
    let at = 0;
    while (at < buf.length) {
      // Fixed header: type and flags, then the remaining length (1 to 4 bytes, 7 bits each).
      let length = 0;
      let multiplier = 1;
      let i = at + 1;
      for (; i < buf.length && i <= at + 4; i++) {
        const b = buf[i] as number;
        length += (b & 0x7f) * multiplier;
        multiplier *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (i >= buf.length || i > at + 4) {
        if (i > at + 4) {
          // Not MQTT: hand it all on and let mqtt.js fail the connection.
          this.other.push(buf.subarray(at));
          at = buf.length;
        }
        break;
      }
      const end = i + 1 + length;
      if (end > buf.length) break;
      const header = buf[at] as number;
      const publish = header >> 4 === PUBLISH ? this.decode(buf, header, i + 1, end) : undefined;
      if (publish === undefined) {
        this.other.push(buf.subarray(at, end));
        at = end;
        continue;
      }
      at = end;
      this.flushOther();
      if (!this.options.onPublish(publish)) {
        this.stopped = true;
        break;
      }
    }
    this.rest = at === buf.length ? undefined : buf.subarray(at);
    this.flushOther();
  }

  /** The PUBLISH in buf[start, end), or undefined when mqtt.js should have it. */
  private decode(buf: Buffer, header: number, start: number, end: number): IncomingPublish | undefined {
    const qos = (header >> 1) & 3;
    if (qos > 1 || start + 2 > end) return undefined;
    const topicLength = buf.readUInt16BE(start);
    let at = start + 2 + topicLength;
    if (topicLength === 0 || at > end) return undefined;
    const topic = buf.toString('utf8', start + 2, at);
    let messageId: number | undefined;
    if (qos === 1) {
      if (at + 2 > end) return undefined;
      messageId = buf.readUInt16BE(at);
      at += 2;
    }
    if (this.options.protocolVersion === 5) {
      let length = 0;
      let multiplier = 1;
      let i = at;
      for (; i < end && i < at + 4; i++) {
        const b = buf[i] as number;
        length += (b & 0x7f) * multiplier;
        multiplier *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (i >= end || i >= at + 4) return undefined;
      const propertiesEnd = i + 1 + length;
      if (propertiesEnd > end || hasTopicAlias(buf, i + 1, propertiesEnd)) return undefined;
      at = propertiesEnd;
    }
    return {
      topic,
      payload: buf.subarray(at, end),
      qos: qos as 0 | 1,
      retain: (header & 1) === 1,
      dup: (header & 8) === 8,
      messageId,
    };
  }

  private flushOther(): void {
    if (this.other.length === 0) return;
    const bytes = this.other.length === 1 ? (this.other[0] as Buffer) : Buffer.concat(this.other);
    this.other.length = 0;
    this.options.onOther(bytes);
  }
}

/**
 * Whether MQTT 5 PUBLISH properties in buf[start, end) hold a Topic Alias. Only the identifiers a
 * PUBLISH may carry are walked; anything else counts as "yes" (mqtt.js then judges the packet).
 */
function hasTopicAlias(buf: Buffer, start: number, end: number): boolean {
  let at = start;
  while (at < end) {
    const id = buf[at++] as number;
    switch (id) {
      case 0x01: // payload format indicator
        at += 1;
        break;
      case 0x02: // message expiry interval
        at += 4;
        break;
      case TOPIC_ALIAS:
        return true;
      case 0x08: // response topic
      case 0x09: // correlation data
      case 0x03: // content type
        if (at + 2 > end) return true;
        at += 2 + buf.readUInt16BE(at);
        break;
      case 0x26: // user property: two strings
        for (let k = 0; k < 2; k++) {
          if (at + 2 > end) return true;
          at += 2 + buf.readUInt16BE(at);
        }
        break;
      case 0x0b: {
        // subscription identifier (variable byte integer)
        let n = 0;
        while (at < end && ((buf[at++] as number) & 0x80) !== 0 && n < 3) n++;
        break;
      }
      default:
        return true;
    }
  }
  return at !== end;
}
