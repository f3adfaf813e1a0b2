import { describe, expect, it } from 'vitest';
import { chaosPlan, PLAN_NAMES, planConflicts, scalePlan } from './plan.js';

describe('chaos plans', () => {
  it.each(PLAN_NAMES)(
    '%s: steps in the load, in order, no server started while another is meant to be down',
    (name) => {
      const plan = chaosPlan(name);
      expect(planConflicts(plan)).toEqual([]);
      for (const s of plan.steps) expect(s.at + s.duration).toBeLessThan(plan.seconds);
      const ats = plan.steps.map((s) => s.at);
      expect(ats).toEqual([...ats].sort((a, b) => a - b));
    },
  );

  it('the full and CI plans have the same faults (CI: the quick stack faults first)', () => {
    const faults = (name: 'full' | 'ci') =>
      chaosPlan(name)
        .steps.map((s) => `${s.fault} ${s.target}`)
        .sort();
    expect(faults('ci')).toEqual(faults('full'));
  });

  it('the full plan covers every worker type, Kafka, Apicurio, InfluxDB for 60 s, a scale-out and Mosquitto SIGTERM', () => {
    const steps = chaosPlan('full').steps;
    for (const role of ['source', 'aggregate', 'detect', 'sink'])
      expect(steps.some((s) => s.fault === 'kill9' && s.target === role)).toBe(true);
    expect(steps.some((s) => s.fault === 'kill9' && s.target === 'kafka')).toBe(true);
    expect(steps.some((s) => s.fault === 'kill9' && s.target === 'registry' && s.restartDuring === 'sink')).toBe(true);
    expect(steps.find((s) => s.target === 'influxdb')).toMatchObject({ fault: 'stop', duration: 60 });
    expect(steps.some((s) => s.fault === 'scale-out')).toBe(true);
    expect(steps.find((s) => s.target === 'mosquitto')).toMatchObject({ fault: 'stop' });
  });

  it('a conflict is named', () => {
    const plan = chaosPlan('full');
    plan.steps.push({ name: 'kafka again', fault: 'kill9', target: 'kafka', at: 270, duration: 5 });
    expect(planConflicts(plan)).toEqual([
      '"kafka again" starts the stack at 275 s, while "InfluxDB stopped 60 s" keeps influxdb down',
    ]);
  });

  it('scalePlan stretches the times, not the durations', () => {
    const plan = scalePlan(chaosPlan('full'), 1440);
    expect(plan.steps[0]).toMatchObject({ at: 60, duration: 5 });
    expect(plan.seconds).toBe(1440);
  });
});
