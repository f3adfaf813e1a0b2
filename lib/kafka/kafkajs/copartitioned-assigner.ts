import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { copartitionedAssignment } from '../copartitioned-assignment.js';

/** Its protocol name in the group: members agree on it (with RoundRobin as the fallback). */
export const COPARTITIONED_ASSIGNER = 'IotpCopartitioned';

/**
 * kafkajs' assigner for stream applications: topic partition p of every subscribed topic goes to
 * the same member (lib/kafka/copartitioned-assignment.ts). kafkajs ships only RoundRobin, which deals
 * a join's stream and table partitions to different members.
 */
export const CopartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: COPARTITIONED_ASSIGNER,
  version: 0,
  async assign({ members, topics }) {
    const counts = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]));
    const plan = copartitionedAssignment(
      members.map((m) => m.memberId),
      counts,
    );
    return Object.entries(plan).map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return {
      name: COPARTITIONED_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
