import { Unit } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** Administrative units (province, district, commune) stored as Redis hashes. */
export class UnitRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(unit: Unit): Promise<void> {
    await this.redis.hSet(keys.unit(unit.id), {
      id: unit.id,
      name: unit.name,
      level: unit.level,
      // Redis hashes hold strings only: the root unit has an empty parentId.
      parentId: unit.parentId ?? '',
    });
  }

  async get(unitId: string): Promise<Unit | null> {
    const fields = await this.redis.hGetAll(keys.unit(unitId));
    if (!fields.id) return null;
    return Unit.parse({ ...fields, parentId: fields.parentId || null });
  }

  /** Looks up several units at once; missing ones are absent from the map. */
  async getMany(unitIds: Iterable<string>): Promise<Map<string, Unit>> {
    const ids = [...new Set(unitIds)];
    const units = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(units.filter((unit): unit is Unit => unit !== null).map((unit) => [unit.id, unit]));
  }
}
