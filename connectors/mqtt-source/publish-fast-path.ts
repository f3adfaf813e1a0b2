import type { Writable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { type IncomingPublish, PublishSplitter } from './publish-splitter.js';

export interface PublishFastPathOptions {
  protocolVersion: number;
  /** A PUBLISH from the broker, in arrival order. Return false to stop reading until `resume()`. */
  onPublish(publish: IncomingPublish): boolean;
}

export interface PublishFastPath {
  /** True while reading stopped because `onPublish` returned false. */
  readonly held: boolean;
  /** Goes on reading after `onPublish` returned false. */
  resume(): void;
}

type StreamBuilder = (...args: unknown[]) => NodeJS.ReadWriteStream;

/**
 * Takes the PUBLISH packets of every connection of an mqtt.js client (created with
 * `manualConnect: true`, connected after this) out of the byte stream before mqtt.js parses it
 * (publish-splitter.ts); mqtt.js keeps everything else: connecting, CONNACK, SUBSCRIBE/SUBACK,
 * keepalive, reconnects, TLS, and the PUBLISH packets the splitter leaves to it (they reach
 * `client.handleMessage` as before). Each connection's stream is read through a splitter in place
 * of mqtt.js' `pipe`, with the same backpressure (mqtt.js' parser full: pause the socket), plus
 * the caller's own (`onPublish` returned false).
 *
 * @example
 *   const client = mqtt.connect(url, { ...options, manualConnect: true });
 *   const fast = takePublishes(client, { protocolVersion: 5, onPublish: (p) => handle(p) });
 *   client.connect();
 */
export function takePublishes(client: MqttClient, options: PublishFastPathOptions): PublishFastPath {
  const internals = client as unknown as { streamBuilder: StreamBuilder };
  const build = internals.streamBuilder;
  let current: { splitter: PublishSplitter; resumeStream(): void } | undefined;

  internals.streamBuilder = (...args) => {
    const stream = build(...args);
    // mqtt.js reads a connection's stream by piping it into its parser, once per connection.
    stream.pipe = (<T extends NodeJS.WritableStream>(dest: T): T => {
      const parser = dest as unknown as Writable;
      let parserFull = false;
      const splitter = new PublishSplitter({
        protocolVersion: options.protocolVersion,
        onPublish: options.onPublish,
        onOther: (bytes) => {
          if (parser.write(bytes) || parserFull) return;
          parserFull = true;
          stream.pause();
          parser.once('drain', () => {
            parserFull = false;
            if (!splitter.held) stream.resume();
          });
        },
      });
      const connection = {
        splitter,
        resumeStream() {
          splitter.resume();
          if (!splitter.held && !parserFull) stream.resume();
        },
      };
      current = connection;
      stream.on('data', (chunk: Buffer) => {
        splitter.push(chunk);
        if (splitter.held) stream.pause();
      });
      stream.once('end', () => parser.end());
      stream.once('close', () => {
        if (current === connection) current = undefined;
      });
      return dest;
    }) as typeof stream.pipe;
    return stream;
  };

  return {
    get held() {
      return current?.splitter.held ?? false;
    },
    resume() {
      if (current?.splitter.held) current.resumeStream();
    },
  };
}
