/**
 * Topic templates live in lib/config/topic-template.ts (one place for the config and the
 * connector); this module re-exports what the connector's files import by this path.
 */
export {
  compileTopicTemplate,
  fillPlaceholders,
  placeholdersIn,
  type Segments,
  type TopicTemplate,
} from '../../lib/config/topic-template.js';
