import bcrypt from 'bcryptjs';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { now, type Db } from './db.ts';
import { type Ctx, HttpError, type Reply, data, readJson, validate } from './http.ts';
import type { Tokens } from './tokens.ts';

const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

const RegisterBody = z.object({
  name: z.string().trim().min(1).max(100),
  email,
  // bcrypt only looks at the first 72 bytes; longer would silently be truncated.
  password: z.string().min(8).max(72),
});

const LoginBody = z.object({
  email,
  password: z.string().min(1).max(72),
});

interface UserRow {
  id: number;
  name: string;
  email: string;
  password_hash: string;
}

const UNAUTHENTICATED = new HttpError(401, 'Unauthenticated.', undefined, {
  'www-authenticate': 'Bearer',
});

/** Register, log in, `me`, and the bearer-token check every private route goes through. */
export class Auth {
  private readonly insertUser;
  private readonly userByEmail;
  private readonly userById;
  /** Compared against when the e-mail is unknown, so both failures cost the same time. */
  private readonly dummyHash: string;

  constructor(
    db: Db,
    private readonly tokens: Tokens,
    private readonly bcryptCost: number,
  ) {
    this.insertUser = db.prepare<[string, string, string, string]>(
      'INSERT INTO users (name, email, password_hash, created_at) VALUES (?, ?, ?, ?)',
    );
    this.userByEmail = db.prepare<[string], UserRow>(
      'SELECT id, name, email, password_hash FROM users WHERE email = ?',
    );
    this.userById = db.prepare<[number], UserRow>(
      'SELECT id, name, email, password_hash FROM users WHERE id = ?',
    );
    this.dummyHash = bcrypt.hashSync('not-a-password', bcryptCost);
  }

  /** The user id behind `Authorization: Bearer <jwt>`, or 401. */
  authenticate(req: IncomingMessage): number {
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) throw UNAUTHENTICATED;
    const id = this.tokens.verify(header.slice(7).trim());
    if (id === undefined) throw UNAUTHENTICATED;
    return id;
  }

  async register(ctx: Ctx): Promise<Reply> {
    const body = validate(RegisterBody, await readJson(ctx.req));
    const hash = await bcrypt.hash(body.password, this.bcryptCost);
    let id: number;
    try {
      id = Number(this.insertUser.run(body.name, body.email, hash, now()).lastInsertRowid);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new HttpError(409, 'The email has already been taken.', {
          email: ['The email has already been taken.'],
        });
      }
      throw err;
    }
    const user = { id, name: body.name, email: body.email };
    return { status: 201, body: { user, token: this.tokens.sign(id) } };
  }

  async login(ctx: Ctx): Promise<Reply> {
    const body = validate(LoginBody, await readJson(ctx.req));
    const row = this.userByEmail.get(body.email);
    const ok = await bcrypt.compare(body.password, row?.password_hash ?? this.dummyHash);
    if (!row || !ok) throw new HttpError(401, 'Invalid credentials.');
    return { status: 200, body: { token: this.tokens.sign(row.id), user: publicUser(row) } };
  }

  me(ctx: Ctx): Reply {
    const row = this.userById.get(ctx.userId);
    if (!row) throw UNAUTHENTICATED;
    return data(publicUser(row));
  }
}

function publicUser(row: UserRow): { id: number; name: string; email: string } {
  return { id: row.id, name: row.name, email: row.email };
}
