import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { categories, hazardsFor } from '../../seeds/demo/catalog.ts';
import { DEMO_FIXED_WORKSHOPS, generateDemo } from '../../seeds/demo/generate.ts';
import type { DemoCounty, DemoDataset } from '../../seeds/demo/generate.ts';

/** The 100 counties of seeds/divisions.csv (`code,name,level,parent_code`, no quoted fields). */
function loadCounties(): DemoCounty[] {
  const rows = readFileSync(new URL('../../seeds/divisions.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const names = new Map(rows.map(([code, name]) => [code ?? '', name ?? '']));
  return rows
    .filter((r) => r[2] === 'county')
    .map(([code = '', name = '', , parent = '']) => ({ code, name, cityCode: parent, cityName: names.get(parent) ?? '' }));
}

/** Independent GB 32100-2015 check (not the implementation under use by the generator). */
function usccIsValid(code: string): boolean {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i += 1) {
    sum += alphabet.indexOf(code.charAt(i)) * weight;
    weight = (weight * 3) % 31;
  }
  return alphabet.charAt((31 - (sum % 31)) % 31) === code.charAt(17);
}

const counties = loadCounties();
const TODAY = '2026-11-29';
const big = generateDemo({ count: 3000, seed: 20260101, today: TODAY, counties });

function share(part: number, whole: number): number {
  return part / whole;
}

/** Every calendar-day field of a dataset, with where it comes from. */
function allDates(data: DemoDataset): [string, string][] {
  const out: [string, string][] = [];
  const add = (where: string, value: string | null | undefined): void => {
    if (value !== null && value !== undefined) out.push([where, value]);
  };
  for (const w of data.workshops) {
    add(`${w.key} registeredOn`, w.party.registeredOn);
    add(`${w.key} updatedAt`, w.party.updatedAt.slice(0, 10));
    for (const r of w.inspections) {
      add(`${w.key} inspectedOn`, r.inspectedOn);
      add(`${w.key} rectifiedOn`, r.rectifiedOn);
    }
    for (const { test } of w.samplingTests) {
      add(`${w.key} batch`, test.batch);
      add(`${w.key} sampledOn`, test.sampledOn);
      add(`${w.key} announcementDate`, test.announcementDate);
      add(`${w.key} disposalDoneOn`, test.disposalDoneOn);
    }
    for (const p of w.penalties) {
      add(`${w.key} decidedOn`, p.decidedOn);
      add(`${w.key} disclosureStart`, p.disclosureStart);
    }
    for (const h of w.honors) add(`${w.key} honor year`, `${h.year}-01-01`);
  }
  for (const e of data.exposures) add(`${e.slug} publishedOn`, e.publishedOn);
  return out;
}

describe('seeds/divisions.csv', () => {
  it('lists the province, 11 cities and 100 counties', () => {
    expect(counties).toHaveLength(100);
    expect(new Set(counties.map((c) => c.cityCode)).size).toBe(11);
    expect(counties.every((c) => /^36\d{4}$/.test(c.code) && c.cityName.endsWith('市'))).toBe(true);
  });
});

describe('demo catalog', () => {
  it('gives every product at least one hazard, limits in the official style', () => {
    expect(categories.length).toBeGreaterThanOrEqual(10);
    for (const category of categories) {
      for (const product of category.products) expect(hazardsFor(category, product).length, `${category.key}/${product}`).toBeGreaterThan(0);
      for (const h of category.hazards) {
        expect(h.limitText).toMatch(/^(≤\d+(\.\d+)?( \S+)?|不得使用|n=5,c=\d,m=10[⁰¹²³⁴⁵⁶⁷⁸⁹]*,M=10[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/);
        if (h.measure.kind === 'plan') expect(h.unit).toBe('CFU/g');
        if (h.limitText.startsWith('≤') && h.unit !== null) expect(h.limitText.endsWith(` ${h.unit}`)).toBe(true);
        expect(['E', 'K']).toContain(h.evidence);
      }
    }
  });
});

describe('generateDemo', () => {
  it('is deterministic: same options give byte-identical JSON', () => {
    const again = generateDemo({ count: 3000, seed: 20260101, today: TODAY, counties });
    expect(JSON.stringify(again)).toBe(JSON.stringify(big));
  });

  it('differs with another seed', () => {
    const a = generateDemo({ count: 200, seed: 1, today: TODAY, counties });
    const b = generateDemo({ count: 200, seed: 2, today: TODAY, counties });
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
    expect(a.workshops.slice(6).map((w) => w.party.name)).not.toEqual(b.workshops.slice(6).map((w) => w.party.name));
  });

  it('honours count', () => {
    for (const count of [0, 1, 5, 6, 7, 250]) {
      const data = generateDemo({ count, seed: 9, today: TODAY, counties });
      expect(data.workshops).toHaveLength(count);
      expect(data.workshops.map((w) => w.key)).toEqual(Array.from({ length: count }, (_, i) => `demo-${String(i + 1).padStart(6, '0')}`));
    }
    expect(big.workshops).toHaveLength(3000);
    expect(() => generateDemo({ count: -1, seed: 1, today: TODAY, counties })).toThrow(RangeError);
    expect(() => generateDemo({ count: 1, seed: 1, today: '2026-02-30', counties })).toThrow(RangeError);
  });

  it('puts the fixed named workshops first', () => {
    const names = big.workshops.slice(0, DEMO_FIXED_WORKSHOPS.length).map((w) => w.party.name);
    expect(names).toEqual(['鸿运（东湖）食品加工坊', '老李米粉坊', '阿香米粉店', '赣味豆制品坊', '文港腊肉作坊', '中心糕点坊']);
    const counties0 = big.workshops.slice(0, 6).map((w) => w.party.countyCode);
    expect(counties0).toEqual(['360102', '360121', '360102', '360102', '360124', '360102']);
    expect(big.workshops[0]?.party.products).toEqual(['米粉', '年糕']);
    expect(big.workshops.slice(0, 6).every((w) => w.party.kind === 'workshop' && w.party.registrationStatus === 'valid')).toBe(true);
    // other workshops never reuse a fixed name (names are unique overall)
    expect(new Set(big.workshops.map((w) => w.party.name)).size).toBe(3000);
  });

  it('covers every county at 3000, all parties workshops in their county and city', () => {
    const covered = new Set(big.workshops.map((w) => w.party.countyCode));
    expect(covered.size).toBe(100);
    const byCode = new Map(counties.map((c) => [c.code, c]));
    for (const w of big.workshops) {
      const county = byCode.get(w.party.countyCode ?? '');
      expect(county, w.key).toBeDefined();
      expect(w.party.kind).toBe('workshop');
      expect(w.party.cityCode).toBe(county?.cityCode);
      expect(w.party.address?.startsWith(county?.name ?? '?')).toBe(true);
      expect(w.party.lat).toBeGreaterThan(25.3);
      expect(w.party.lat).toBeLessThan(30.0);
      expect(w.party.lng).toBeGreaterThan(113.5);
      expect(w.party.lng).toBeLessThan(118.3);
      expect(String(w.party.lat).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(5);
    }
  });

  it('issues unique registration numbers as text with leading zeros', () => {
    const numbers = big.workshops.map((w) => w.party.registrationNo);
    expect(new Set(numbers).size).toBe(3000);
    for (const w of big.workshops) {
      const no = w.party.registrationNo;
      expect(typeof no).toBe('string');
      expect(no).toMatch(/^XZF\d{11}$/);
      expect(no?.slice(3, 9)).toBe(w.party.countyCode);
    }
    expect(big.workshops[0]?.party.registrationNo).toBe('XZF36010200001');
    expect(big.workshops[1]?.party.registrationNo).toBe('XZF36012100001');
    expect(numbers.every((n) => n?.charAt(9) === '0')).toBe(true);
  });

  it('gives about one in three a valid, unique individual-business credit code', () => {
    const codes = big.workshops.flatMap((w) => (w.party.uscc ? [[w.party.uscc, w.party.countyCode] as const] : []));
    expect(share(codes.length, 3000)).toBeGreaterThan(0.28);
    expect(share(codes.length, 3000)).toBeLessThan(0.39);
    expect(new Set(codes.map(([c]) => c)).size).toBe(codes.length);
    expect(usccIsValid('92341822MA2RFB9F7J')).toBe(true);
    for (const [code, county] of codes) {
      expect(usccIsValid(code), code).toBe(true);
      expect(code.slice(0, 8)).toBe(`92${county ?? ''}`);
    }
  });

  it('keeps every date on or before today', () => {
    for (const today of [TODAY, '2025-03-01']) {
      const data = today === TODAY ? big : generateDemo({ count: 1500, seed: 5, today, counties });
      const dates = allDates(data);
      expect(dates.length).toBeGreaterThan(5000);
      for (const [where, value] of dates) {
        expect(value, where).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(value <= today, `${where} ${value}`).toBe(true);
      }
      for (const w of data.workshops) {
        const registered = w.party.registeredOn ?? '';
        expect(w.party.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
        expect(registered >= '2019-01-01').toBe(true);
        for (const r of w.inspections) expect(r.inspectedOn >= registered).toBe(true);
        for (const { test } of w.samplingTests) expect((test.sampledOn ?? '') >= (test.batch ?? '')).toBe(true);
      }
    }
  });

  it('keeps registration validity consistent with the status', () => {
    for (const w of big.workshops) {
      const { registeredOn, validUntil, registrationStatus } = w.party;
      expect(validUntil?.slice(5), w.key).toBe(registeredOn?.slice(5) === '02-29' ? '02-28' : registeredOn?.slice(5));
      const years = Number(validUntil?.slice(0, 4)) - Number(registeredOn?.slice(0, 4));
      expect(years % 3).toBe(0);
      expect(years).toBeGreaterThanOrEqual(3);
      if (registrationStatus === 'valid') expect((validUntil ?? '') >= TODAY).toBe(true);
      if (registrationStatus === 'expired') expect((validUntil ?? '') < TODAY).toBe(true);
      if (registrationStatus === 'revoked') expect(w.penalties.some((p) => p.penaltyKinds.includes('吊销登记证'))).toBe(true);
    }
  });

  it('has believable proportions at 3000', () => {
    const ws = big.workshops;
    const status = (s: string): number => share(ws.filter((w) => w.party.registrationStatus === s).length, ws.length);
    expect(status('valid')).toBeGreaterThan(0.88);
    expect(status('expired')).toBeGreaterThan(0.025);
    expect(status('expired')).toBeLessThan(0.06);
    expect(status('cancelled')).toBeGreaterThan(0.008);
    expect(status('cancelled')).toBeLessThan(0.035);
    expect(status('revoked')).toBeGreaterThan(0.001);
    expect(status('revoked')).toBeLessThan(0.012);
    expect(new Set(ws.map((w) => w.party.riskLevel))).toEqual(new Set(['A', 'B', 'C', 'D']));
    const heritage = share(ws.filter((w) => w.party.heritage).length, ws.length);
    expect(heritage).toBeGreaterThan(0.01);
    expect(heritage).toBeLessThan(0.035);
    const zone = ws.filter((w) => w.party.processingZone !== null);
    expect(zone.length).toBeGreaterThan(0);
    expect(zone.every((w) => w.party.countyCode === '360603' && w.party.processingZone === '余江区食品小作坊集中加工区')).toBe(true);

    const none = share(ws.filter((w) => w.inspections.length === 0).length, ws.length);
    expect(none).toBeGreaterThan(0.07);
    expect(none).toBeLessThan(0.14);
    expect(Math.max(...ws.map((w) => w.inspections.length))).toBe(4);
    const inspections = ws.flatMap((w) => w.inspections);
    const result = (r: string): number => share(inspections.filter((i) => i.result === r).length, inspections.length);
    expect(result('compliant')).toBeGreaterThan(0.81);
    expect(result('compliant')).toBeLessThan(0.89);
    expect(result('partlyCompliant')).toBeGreaterThan(0.09);
    expect(result('partlyCompliant')).toBeLessThan(0.15);
    expect(result('nonCompliant')).toBeGreaterThan(0.015);
    expect(result('nonCompliant')).toBeLessThan(0.05);
    const non = inspections.filter((i) => i.result === 'nonCompliant');
    const pending = share(non.filter((i) => i.rectification === 'pending').length, non.length);
    expect(pending).toBeGreaterThan(0.3);
    expect(pending).toBeLessThan(0.7);
    expect(inspections.every((i) => (i.rectification === 'done') === (i.rectifiedOn !== null))).toBe(true);
    expect(inspections.every((i) => i.authority.endsWith('市场监督管理局'))).toBe(true);
    const recent = share(inspections.filter((i) => i.inspectedOn >= '2023-11-29').length, inspections.length);
    expect(recent).toBeGreaterThan(0.8);

    const tested = share(ws.filter((w) => w.samplingTests.length > 0).length, ws.length);
    expect(tested).toBeGreaterThan(0.3);
    expect(tested).toBeLessThan(0.4);
    expect(Math.max(...ws.map((w) => w.samplingTests.length))).toBe(2);
    const tests = ws.flatMap((w) => w.samplingTests);
    const failed = tests.filter((t) => t.test.result === 'fail');
    expect(share(failed.length, tests.length)).toBeGreaterThan(0.04);
    expect(share(failed.length, tests.length)).toBeLessThan(0.11);
    expect(tests.every((t) => (t.test.result === 'fail') === (t.failedItems.length === 1))).toBe(true);
    const disposed = share(failed.filter((t) => t.test.disposal !== 'none').length, failed.length);
    expect(disposed).toBeGreaterThan(0.8);
    expect(failed.every((t) => (t.test.disposal === 'none') === (t.test.disposalDoneOn === null))).toBe(true);
    expect(tests.filter((t) => t.test.result === 'pass').every((t) => t.test.disposal === 'none')).toBe(true);
    for (const { test } of tests) {
      if (test.announcementTitle === null) continue;
      expect(test.announcementTitle).toMatch(/^(江西省|.{2,3}市)市场监督管理局\d{4}年第\d+期食品安全监督抽检情况的通告\(\d+批次\)$/);
      expect(test.announcementTitle?.includes(`${test.announcementNo}`)).toBe(true);
      expect(test.announcementDate?.slice(0, 4)).toBe(test.announcementNo?.slice(0, 4));
    }
    for (const { failedItems } of failed) {
      const item = failedItems[0];
      if (item === undefined) continue;
      if (item.limitText.startsWith('n=5')) expect(item.measuredText.split(';')).toHaveLength(5);
      else expect(item.measuredText).toMatch(/^\d+(\.\d+)?( \S+)?$/);
      if (item.limitText.startsWith('≤')) expect(Number.parseFloat(item.measuredText)).toBeGreaterThan(Number.parseFloat(item.limitText.slice(1)));
    }

    const penalised = ws.filter((w) => w.penalties.length > 0);
    expect(share(penalised.length, ws.length)).toBeGreaterThan(0.015);
    expect(share(penalised.length, ws.length)).toBeLessThan(0.05);
    const penalties = penalised.flatMap((w) => w.penalties);
    const decisionNos = penalties.flatMap((p) => (p.decisionNo ? [p.decisionNo] : []));
    expect(new Set(decisionNos).size).toBe(decisionNos.length);
    for (const p of penalties) {
      if (p.transferredToPolice) {
        expect(p.decisionNo).toBeNull();
        continue;
      }
      expect(p.decisionNo).toMatch(/^\S{2,3}市监罚决〔\d{4}〕\d+号$/);
      expect(/〔(\d{4})〕/.exec(p.decisionNo ?? '')?.[1]).toBe(p.decidedOn?.slice(0, 4));
      expect(p.disclosureStart).toBe(p.decidedOn);
      if (p.fineYuan !== null && p.fineYuan !== undefined) {
        expect(p.fineYuan).toBeGreaterThanOrEqual(2000);
        expect(p.fineYuan).toBeLessThanOrEqual(50000);
      }
      expect(p.penaltyKinds.includes('罚款')).toBe(p.fineYuan !== null);
      expect(p.penaltyKinds.includes('没收违法所得')).toBe(p.confiscationYuan !== null);
    }

    const demonstration = ws.filter((w) => w.honors.some((h) => h.kind === 'demonstrationUnit'));
    expect(share(demonstration.length, ws.length)).toBeGreaterThan(0.03);
    expect(share(demonstration.length, ws.length)).toBeLessThan(0.075);
    for (const h of demonstration.flatMap((w) => w.honors.filter((x) => x.kind === 'demonstrationUnit'))) {
      expect(h.title).toBe('江西省食品小作坊示范单位');
      expect(h.year).toBeGreaterThanOrEqual(2019);
      expect(h.year).toBeLessThanOrEqual(2026);
      expect(h.validUntil).toBe(`${h.year + 3}-12-31`);
      expect(h.documentNo).toMatch(/市监食生〔\d{4}〕\d+号$/);
    }
    expect(ws.some((w) => w.honors.some((h) => h.kind === 'heritage'))).toBe(true);
    expect(ws.some((w) => w.honors.some((h) => h.kind === 'specialBrand'))).toBe(true);
  });

  it('exposes about 1 %, two thirds black workshops, each traceable', () => {
    const { exposures, workshops } = big;
    expect(exposures).toHaveLength(30);
    const black = exposures.filter((e) => e.workshopKey === null);
    expect(black).toHaveLength(20);
    expect(new Set(exposures.map((e) => e.slug)).size).toBe(30);
    expect(exposures.every((e) => /^demo-\d{6}$/.test(e.slug))).toBe(true);
    const sorted = [...exposures].sort((a, b) => a.publishedOn.localeCompare(b.publishedOn));
    expect(sorted).toEqual(exposures);
    const byKey = new Map(workshops.map((w) => [w.key, w]));
    const countyCodes = new Set(counties.map((c) => c.code));
    for (const e of exposures) {
      expect(e.findings.length).toBeGreaterThan(5);
      expect(e.outcome.length).toBeGreaterThan(2);
      expect(countyCodes.has(e.countyCode ?? '')).toBe(true);
      if (e.workshopKey === null) {
        expect(e.basisKind).toBe('announcement');
        expect(e.basisRef).toMatch(/市场监督管理局关于.*通报$/);
        expect(e.subjectName).toMatch(/作坊$/);
      } else {
        const w = byKey.get(e.workshopKey);
        expect(e.basisKind).toBe('decision');
        expect(w?.penalties.map((p) => p.decisionNo)).toContain(e.basisRef);
        expect(e.subjectName).toBe(w?.party.name);
        expect(DEMO_FIXED_WORKSHOPS.map((f) => f.name)).not.toContain(e.subjectName);
      }
    }
  });
});
