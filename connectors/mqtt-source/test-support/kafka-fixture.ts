/**
 * The Kafka test helpers live in test/helpers/kafka.ts (one set for every test); this module keeps
 * the names some benchmarks import by this path.
 */
export {
  countRecords,
  createTopics,
  deleteTopics,
  kafkaClientOn as testKafka,
  readTopic,
  testDecoder,
  waitForCount,
} from '../../../test/helpers/kafka.js';
