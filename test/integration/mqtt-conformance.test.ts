/**
 * The MQTT source passes the shared connector conformance suite (connectors/conformance/):
 * open/close, batch, redelivery after a crash, bad input — as a child process on the real stack.
 */
import { describeConnectorConformance } from '../../connectors/conformance/connector-conformance.js';
import { createMqttConformanceTarget } from '../../connectors/mqtt-source/test-support/conformance-target.js';
import { stackEnv } from '../helpers/stack.js';

describeConnectorConformance(() => createMqttConformanceTarget(stackEnv()));
