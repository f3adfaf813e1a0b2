import { ConfigError } from '../../lib/errors.js';
import { environmentModel } from './environment-model.js';
import { powerModel } from './power-model.js';
import type { SensorTypeModel } from './sensor-type-model.js';

/** Every sensor type the simulator can play, by `<type>` name. A new type is one model file here. */
export const SENSOR_TYPE_MODELS: Readonly<Record<string, SensorTypeModel>> = {
  environment: environmentModel,
  power: powerModel,
};

/** The models for `names`; an unknown name is a ConfigError naming `key` and the known types. */
export function sensorTypeModels(names: readonly string[], key = 'types'): SensorTypeModel[] {
  if (names.length === 0)
    throw new ConfigError(key, `expected at least one of ${Object.keys(SENSOR_TYPE_MODELS).join(', ')}`);
  return names.map((name) => {
    const model = SENSOR_TYPE_MODELS[name];
    if (!model)
      throw new ConfigError(
        key,
        `unknown sensor type '${name}' (expected one of ${Object.keys(SENSOR_TYPE_MODELS).join(', ')})`,
      );
    return model;
  });
}
