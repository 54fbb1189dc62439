// Users are created on first login (a flash sale brings people who never logged in before).
import type { Databases } from '../db/routing.ts';

export async function loginUser(dbs: Databases, username: string): Promise<{ userId: number; username: string }> {
  const [r] = await dbs.primary.query(
    `INSERT INTO users (username) VALUES ($1) ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username RETURNING id`,
    [username],
  );
  return { userId: Number(r?.id), username };
}
