// Conflict explanations: the derivation of a failed resolution as numbered sentences (PubGrub's report).
import { tryParseVersion } from '../pep440/index.js';
import { isPrerelease } from '../pep440/version.js';
import { bit, type Incompatibility, isPositive, type Pkg, ROOT, type Term } from './solver.js';

/** The package as people write it: `name` or `name[extra]`. */
function display(pkg: Pkg): string {
  return pkg.extra === undefined ? pkg.name : `${pkg.name}[${pkg.extra}]`;
}

/** A version set as requirement text over the versions the index has, e.g. `httpx>=0.25,<0.27`. */
export function describeSet(pkg: Pkg, set: bigint): string {
  const name = display(pkg);
  const n = pkg.versions.length;
  const bits = (set & pkg.all) >> 1n;
  if (bits === 0n) return `no version of ${name}`;
  if (bits === (1n << BigInt(n)) - 1n) return name;
  const runs: string[] = [];
  let i = 0;
  while (i < n) {
    if (((bits >> BigInt(i)) & 1n) === 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && ((bits >> BigInt(j + 1)) & 1n) === 1n) j++;
    if (i === j) runs.push(`${name}==${pkg.versions[i]}`);
    else {
      const parts: string[] = [];
      if (i > 0) parts.push(`>=${pkg.versions[i]}`);
      if (j < n - 1) parts.push(`<${pkg.versions[j + 1]}`);
      runs.push(`${name}${parts.join(',')}`);
    }
    i = j + 1;
  }
  return runs.join(' or ');
}

/** A one-version term as `name==version` even when the index has no other version. */
function exact(t: Term): string {
  const bits = (t.set & t.pkg.all) >> 1n;
  if (bits !== 0n && (bits & (bits - 1n)) === 0n) {
    const i = bits.toString(2).length - 1;
    return `${display(t.pkg)}==${t.pkg.versions[i]}`;
  }
  return required(t);
}

/** A term's required side: a positive term's versions, or the versions a negative term rules in. */
function required(t: Term): string {
  if (t.pkg.key === ROOT) return 'your project';
  return describeSet(t.pkg, isPositive(t) ? t.set : t.pkg.all ^ t.set);
}

function external(inc: Incompatibility): string {
  const c = inc.cause;
  switch (c.kind) {
    case 'root':
      return 'your project is being resolved';
    case 'dependency': {
      const d = c.dep;
      const target = `${d.name}${d.extras.length ? `[${d.extras.join(',')}]` : ''}${d.specifier}`;
      const depender = inc.terms[0]!;
      // One term: nothing can satisfy the requirement — no version matches, or the release asks
      // for itself at other versions.
      const self =
        depender.pkg.key !== ROOT && depender.pkg.extra === undefined && depender.pkg.name === d.name;
      const none =
        inc.terms.length !== 1
          ? ''
          : self
            ? ', which excludes itself'
            : ', which no version on the index matches';
      if (depender.pkg.key === ROOT) return `${d.label ?? 'your project'} requires ${target}${none}`;
      return `${exact(depender)} depends on ${target}${none}`;
    }
    case 'no-versions': {
      const t = inc.terms[0]!;
      if ((t.set & t.pkg.all & ~1n) === 0n) return `there is no version of ${display(t.pkg)}`;
      const held = t.pkg.versions.filter((_, i) => (t.set & bit(i)) !== 0n);
      const pre = held.filter((v) => isPrerelease(tryParseVersion(v)!)).length;
      if (pre === 0) return `${required(t)} is yanked and no requirement pins it with ==`;
      const why =
        'a pre-release is taken only when a requirement names one (>=, <=, ==, ~= a pre-release) or when the project has nothing else and no requirement has a specifier';
      return pre === held.length
        ? `${required(t)} is a pre-release (${why})`
        : `${required(t)} is yanked or a pre-release (a yanked release is taken only when a requirement pins it with ==; ${why})`;
    }
    case 'unusable':
      return `${exact(inc.terms[0]!)} ${c.reason}`;
    case 'conflict':
      return describe(inc);
  }
}

/** What a derived incompatibility says, as a sentence fragment. */
function describe(inc: Incompatibility): string {
  if (inc.cause.kind !== 'conflict') return external(inc);
  const terms = inc.terms;
  if (terms.length === 0 || (terms.length === 1 && terms[0]!.pkg.key === ROOT && isPositive(terms[0]!)))
    return 'the imports cannot all be satisfied together';
  const pos = terms.filter((t) => isPositive(t) && t.pkg.key !== ROOT);
  const neg = terms.filter((t) => !isPositive(t));
  const rootPos = terms.some((t) => t.pkg.key === ROOT && isPositive(t));
  if (terms.length === 1) {
    const t = terms[0]!;
    return isPositive(t) ? `${required(t)} cannot be used` : `${required(t)} is required`;
  }
  if (rootPos && pos.length === 0) return `your imports require ${neg.map(required).join(' or ')}`;
  if (neg.length === 0) {
    return pos.length === 2
      ? `${required(pos[0]!)} is incompatible with ${required(pos[1]!)}`
      : `one of ${pos.map(required).join(', ')} must be false`;
  }
  if (pos.length === 0) return `${neg.map(required).join(' or ')} is required`;
  return `${pos.map(required).join(' and ')} ${pos.length === 1 ? 'depends' : 'depend'} on ${neg
    .map(required)
    .join(' or ')}`;
}

const isDerived = (inc: Incompatibility): boolean => inc.cause.kind === 'conflict';

/**
 * Writes the derivation that ends in `failure` the way PubGrub reports it: each step says
 * "Because A and B, C."; a fact used more than once gets a line number and is referred to by it.
 */
export function explain(failure: Incompatibility): string {
  const refs = new Map<Incompatibility, number>();
  const count = (inc: Incompatibility) => {
    refs.set(inc, (refs.get(inc) ?? 0) + 1);
    if ((refs.get(inc) ?? 0) > 1) return;
    if (inc.cause.kind === 'conflict') {
      count(inc.cause.left);
      count(inc.cause.right);
    }
  };
  count(failure);
  const lines: { text: string; number: number | undefined }[] = [];
  const numbers = new Map<Incompatibility, number>();
  let next = 1;
  const write = (inc: Incompatibility, text: string, numbered: boolean) => {
    if (numbered) {
      numbers.set(inc, next);
      lines.push({ text, number: next++ });
    } else lines.push({ text, number: undefined });
  };
  const singleLine = (inc: Incompatibility) =>
    inc.cause.kind === 'conflict' && !isDerived(inc.cause.left) && !isDerived(inc.cause.right);

  const visit = (inc: Incompatibility, conclusion = false): void => {
    const numbered = conclusion || (refs.get(inc) ?? 0) > 1;
    const text = describe(inc);
    if (inc.cause.kind !== 'conflict') return;
    const { left, right } = inc.cause;
    if (isDerived(left) && isDerived(right)) {
      const ln = numbers.get(left);
      const rn = numbers.get(right);
      if (ln !== undefined && rn !== undefined) {
        write(inc, `Because ${describe(left)} (${ln}) and ${describe(right)} (${rn}), ${text}.`, numbered);
      } else if (ln !== undefined || rn !== undefined) {
        const withLine = ln !== undefined ? left : right;
        const without = ln !== undefined ? right : left;
        visit(without);
        write(inc, `And because ${describe(withLine)} (${numbers.get(withLine)}), ${text}.`, numbered);
      } else if (singleLine(left) || singleLine(right)) {
        const first = singleLine(left) ? right : left;
        const second = singleLine(left) ? left : right;
        visit(first);
        visit(second);
        write(inc, `Thus, ${text}.`, numbered);
      } else {
        visit(left, true);
        lines.push({ text: '', number: undefined });
        visit(right);
        write(inc, `And because ${describe(left)} (${numbers.get(left)}), ${text}.`, numbered);
      }
      return;
    }
    if (isDerived(left) || isDerived(right)) {
      const derived = isDerived(left) ? left : right;
      const ext = isDerived(left) ? right : left;
      const n = numbers.get(derived);
      if (n !== undefined) {
        write(inc, `Because ${external(ext)} and ${describe(derived)} (${n}), ${text}.`, numbered);
        return;
      }
      const dc = derived.cause;
      if (
        dc.kind === 'conflict' &&
        (refs.get(derived) ?? 0) <= 1 &&
        isDerived(dc.left) !== isDerived(dc.right) &&
        numbers.get(isDerived(dc.left) ? dc.left : dc.right) === undefined
      ) {
        const innerDerived = isDerived(dc.left) ? dc.left : dc.right;
        const innerExt = isDerived(dc.left) ? dc.right : dc.left;
        visit(innerDerived);
        write(inc, `And because ${external(innerExt)} and ${external(ext)}, ${text}.`, numbered);
        return;
      }
      visit(derived);
      write(inc, `And because ${external(ext)}, ${text}.`, numbered);
      return;
    }
    write(inc, `Because ${external(left)} and ${external(right)}, ${text}.`, numbered);
  };

  if (failure.cause.kind !== 'conflict') return `Because ${external(failure)}, no solution exists.`;
  visit(failure, true);
  // The last line is the conclusion; a lone derivation needs no numbers at all.
  const numberedCount = lines.filter((l) => l.number !== undefined).length;
  const width = String(next - 1).length;
  return lines
    .map((l, i) => {
      const isLast = i === lines.length - 1;
      const text = isLast && l.text.startsWith('And because') ? `So, because${l.text.slice(11)}` : l.text;
      if (l.number === undefined || numberedCount <= 1) return text;
      return `${text} (${String(l.number).padStart(width)})`;
    })
    .join('\n');
}
