/**
 * What deploying the pipeline needs once, before the workers start (`iotp setup`, compose's `init`,
 * the k8s Job, the demo, test fixtures): its topics and its schemas, from the config.
 */
export { createPipelineTopics, ensurePipelineTopics, registerPipelineSchemas, type SetupOptions } from './setup.js';
export { pipelineTopics } from './topics.js';
