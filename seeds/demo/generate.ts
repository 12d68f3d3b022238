/**
 * Deterministic, seeded generator of FICTITIOUS demo workshops (演示数据) across the real Jiangxi
 * counties, with real categories, products, hazards and limits (see `catalog.ts`).
 *
 * Same `(count, seed, today, counties)` → byte-identical output (`JSON.stringify`): one seeded
 * mulberry32 stream, no `Math.random`, no clock. Linear in `count` (about 1 s for 100,000 workshops).
 * Every date is `YYYY-MM-DD` and ≤ `today`, except validity ends (`validUntil`), which may lie ahead.
 * Money is in yuan (元).
 *
 * Every name, person, address, code and document number produced here is invented. The caller stores
 * the records with `source: 'demo'`; pages showing them must say so.
 */
import type { NewExposure, NewHonor, NewInspection, NewParty, NewPenalty, NewSamplingTest } from '../../src/db/schema.ts';
import { usccCheckCharacter } from '../../src/features/workshops/uscc.ts';
import { categories, hazardsFor } from './catalog.ts';
import type { CatalogCategory, Hazard } from './catalog.ts';

/** A county (县级行政区) the generator may place workshops in: GB/T 2260 codes, Chinese names. */
export type DemoCounty = { code: string; name: string; cityCode: string; cityName: string };

/** Options of {@link generateDemo}. */
export type GenerateDemoOptions = {
  /** number of workshops, ≥ 0 (default seed data 3,000; benchmarks 100,000). */
  count: number;
  /** PRNG seed (a 32-bit integer; other numbers are truncated to one). */
  seed: number;
  /** "today" in Asia/Shanghai, `YYYY-MM-DD`: no generated event is later. */
  today: string;
  /** the counties to spread workshops over (all 100 Jiangxi counties in practice). */
  counties: DemoCounty[];
};

/** A failed item of a demo sampling test, in the shape of `samplingFailedItems` (no parsed values). */
export type DemoFailedItem = {
  /** 不合格项目, e.g. `二氧化硫残留量`. */
  item: string;
  /** unit of the measured value(s), e.g. `g/kg`, `CFU/g`; null for a ratio. */
  unit: string | null;
  /** 检验结果 as published: `0.29 g/kg`, or five values `6.2×10⁴;4.7×10⁴;…` for n=5 plans (unit in `unit`). */
  measuredText: string;
  /** 标准值 as published: `≤0.1 g/kg`, `不得使用`, `n=5,c=2,m=10⁴,M=10⁵`. */
  limitText: string;
  /** e.g. `GB 2760-2014`; null when the source gives none. */
  standard: string | null;
};

/** One demo sampling test (监督抽检) with its failed items (empty when it passed). */
export type DemoSamplingTest = {
  test: Omit<NewSamplingTest, 'id' | 'partyId' | 'createdAt' | 'source'>;
  failedItems: DemoFailedItem[];
};

/** One fictitious workshop (party of kind `workshop`) and its records; ids are assigned on insert. */
export type DemoWorkshop = {
  /** stable key, `demo-000001` …, in generation order. */
  key: string;
  party: Omit<NewParty, 'id' | 'createdAt' | 'source'>;
  inspections: Omit<NewInspection, 'id' | 'partyId' | 'createdAt' | 'source'>[];
  samplingTests: DemoSamplingTest[];
  penalties: Omit<NewPenalty, 'id' | 'partyId' | 'createdAt' | 'source'>[];
  honors: Omit<NewHonor, 'id' | 'partyId' | 'createdAt' | 'source'>[];
};

/** A demo exposure (曝光); `workshopKey` links a registered workshop, null for a black workshop (黑作坊). */
export type DemoExposure = Omit<NewExposure, 'id' | 'partyId' | 'createdAt' | 'source'> & { workshopKey: string | null };

/** Output of {@link generateDemo}. */
export type DemoDataset = { workshops: DemoWorkshop[]; exposures: DemoExposure[] };

/** The fixed workshops that always come first (search tests rely on them), in this order. */
export const DEMO_FIXED_WORKSHOPS: readonly {
  name: string;
  countyCode: string;
  categoryKeys: readonly string[];
  products: readonly string[];
}[] = [
  { name: '鸿运（东湖）食品加工坊', countyCode: '360102', categoryKeys: ['riceNoodles', 'riceCakes'], products: ['米粉', '年糕'] },
  { name: '老李米粉坊', countyCode: '360121', categoryKeys: ['riceNoodles'], products: ['米粉'] },
  { name: '阿香米粉店', countyCode: '360102', categoryKeys: ['riceNoodles'], products: ['米粉', '湿米粉'] },
  { name: '赣味豆制品坊', countyCode: '360102', categoryKeys: ['soyProducts'], products: ['豆腐', '豆干'] },
  { name: '文港腊肉作坊', countyCode: '360124', categoryKeys: ['curedMeat'], products: ['腊肉', '熏肉'] },
  { name: '中心糕点坊', countyCode: '360102', categoryKeys: ['pastries'], products: ['发糕', '桃酥'] },
];

// ---------------------------------------------------------------------------------------------
// PRNG and small helpers

/** mulberry32: a 32-bit seeded PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string (seed-independent, for values that must agree across workshops). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function at<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`index ${index} out of range (${list.length})`);
  return value;
}

type Rng = {
  next: () => number;
  int: (lo: number, hi: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(list: readonly T[]) => T;
  weighted: <T>(list: readonly (readonly [T, number])[]) => T;
};

function makeRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => at(list, Math.floor(next() * list.length)),
    weighted: (list) => {
      let total = 0;
      for (const [, w] of list) total += w;
      let r = next() * total;
      for (const [value, w] of list) {
        r -= w;
        if (r < 0) return value;
      }
      return at(list, list.length - 1)[0];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Calendar days as integers (days since 1970-01-01), Gregorian, no time zone involved.

function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDay(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function iso(day: number): string {
  const [y, m, d] = civilFromDay(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

function parseIso(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`today must be YYYY-MM-DD, got ${text}`);
  const day = dayFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
  if (iso(day) !== text) throw new RangeError(`not a calendar day: ${text}`);
  return day;
}

function yearOf(day: number): number {
  return civilFromDay(day)[0];
}

/** The same calendar day `years` later; 29 February becomes 28 February. */
function addYears(day: number, years: number): number {
  const [y, m, d] = civilFromDay(day);
  return dayFromCivil(y + years, m, m === 2 && d === 29 ? 28 : d);
}

// ---------------------------------------------------------------------------------------------
// Fixed vocabularies (Chinese data values). All combinations are fictitious.

const SURNAMES = [
  '李', '王', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '罗', '郑',
  '梁', '谢', '宋', '唐', '许', '邓', '冯', '曾', '彭', '肖', '蔡', '潘', '田', '董', '袁', '于', '余', '叶', '蒋', '杜',
  '程', '魏', '熊', '邹', '钟', '涂', '万', '付', '龚', '廖', '汪', '江', '邱', '饶', '揭', '甘', '艾', '游', '兰', '温',
] as const;

const GIVEN_CHARS = [
  '建', '国', '华', '明', '红', '英', '芳', '军', '平', '伟', '强', '丽', '秀', '兰', '春', '金', '水', '根', '发', '生',
  '海', '林', '志', '文', '桂', '梅', '玉', '云', '福', '荣', '德', '清', '亮', '辉', '勇', '斌', '敏', '霞', '燕', '萍',
  '琴', '龙', '鹏', '涛', '峰', '东', '长', '忠', '贵', '冬', '秋', '香', '凤', '莲', '珍', '仁', '新', '保', '和', '安',
] as const;

const BRAND_WORDS = [
  '赣味', '鸿运', '福满', '顺发', '兴旺', '乡味', '农家', '古法', '老街', '永兴', '金源', '鑫源', '家乡', '土味', '福源',
  '恒丰', '和顺', '百味', '聚福', '祥和', '长兴', '宏发', '益民', '惠民', '好味', '旺家', '红土', '山里', '老屋', '双喜',
] as const;

const TOWN_WORDS = [
  '城关', '新华', '东风', '胜利', '河东', '河西', '青云', '石桥', '白沙', '长岭', '塘头', '梅林', '桥头', '新塘', '高桥',
  '枫林', '杨柳', '龙泉', '凤凰', '金桥', '花园', '三江', '双港', '太平', '和平', '潭口', '港口', '洋溪', '坪上', '岭背',
] as const;

const ROAD_WORDS = [
  '建设', '人民', '中山', '解放', '新华', '文化', '胜利', '朝阳', '沿江', '滨河', '工业', '商贸', '农贸', '府前', '健康',
  '幸福', '光明', '育才', '迎宾', '前进', '红旗', '老街', '复兴', '友谊', '站前',
] as const;

const VILLAGE_WORDS = [
  '上坊', '下屋', '塘背', '岭下', '石门', '枫树', '竹园', '水口', '樟木', '新屋', '江边', '黄泥', '田心', '坳上', '龙塘',
  '桥下', '大坪', '细坑', '山背', '洲上',
] as const;

/** Word used in a workshop name for a product (米粉坊, 腊味作坊 …). */
const PRODUCT_NAME_WORD: Readonly<Record<string, string>> = {
  湿米粉: '米粉', 黄元米果: '米果', 碱灰粑: '灰粑', 麻糍: '米果', 冻米糖: '米糖', 麻饼: '糕饼', 腊鸭: '腊味', 酱卤肉: '卤味',
  香干: '豆干', 霉豆腐: '豆腐', 豆皮: '豆皮', 红米酒: '米酒', 清明酒: '米酒', 白酒: '酒', 霉干菜: '腌菜', 萝卜干: '腌菜',
  红薯粉丝: '粉丝', 红薯粉: '薯粉', 南酸枣糕: '酸枣糕', 果脯: '果品', 蜜饯: '果品', 山茶油: '茶油', 菜籽油: '榨油',
};

/** Generic trade words per category key, mixed with product words in names. */
const CATEGORY_NAME_WORDS: Readonly<Record<string, readonly string[]>> = {
  riceNoodles: ['米粉', '粉干'],
  riceCakes: ['年糕', '米果'],
  pastries: ['糕点', '糕饼'],
  curedMeat: ['腊味', '腊肉', '熏肉'],
  soyProducts: ['豆腐', '豆制品'],
  liquor: ['酒', '米酒', '谷酒'],
  pickledVegetables: ['辣椒酱', '酱菜', '腌菜'],
  starchProducts: ['粉丝', '葛粉'],
  edibleOil: ['油', '茶油', '榨油'],
  fruitProducts: ['酸枣糕', '果品'],
};

/** Overall share of categories among workshops (plan's key categories weigh most). */
const CATEGORY_WEIGHTS: Readonly<Record<string, number>> = {
  riceNoodles: 18, riceCakes: 8, pastries: 16, curedMeat: 14, soyProducts: 14, liquor: 12,
  pickledVegetables: 9, starchProducts: 3, edibleOil: 4, fruitProducts: 2,
};

/** Local specialties (categories.md, "Jiangxi examples"): county or city code → category key, product. */
const SPECIALTIES: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  '360100': [['riceNoodles', '米粉']],
  '360730': [['riceNoodles', '粉干']],
  '360735': [['riceNoodles', '粉干']],
  '360704': [['riceCakes', '黄元米果']],
  '360424': [['riceCakes', '碱灰粑']],
  '360402': [['pastries', '茶饼']],
  '360403': [['pastries', '茶饼']],
  '360281': [['pastries', '桃酥']],
  '360300': [['pickledVegetables', '剁椒']],
  '361002': [['pickledVegetables', '菜梗']],
  '360603': [['pickledVegetables', '茄子干']],
  '361023': [['soyProducts', '豆皮'], ['liquor', '谷酒']],
  '361030': [['liquor', '谷酒']],
  '360725': [['fruitProducts', '南酸枣糕']],
  '360881': [['liquor', '红米酒']],
  '360700': [['curedMeat', '腊肉']],
};

/** Approximate city-centre coordinates (WGS-84 degrees) of the 11 cities. */
const CITY_CENTRES: Readonly<Record<string, readonly [number, number]>> = {
  '360100': [28.68, 115.86], '360200': [29.27, 117.18], '360300': [27.62, 113.85], '360400': [29.71, 116.0],
  '360500': [27.82, 114.92], '360600': [28.26, 117.07], '360700': [25.83, 114.93], '360800': [27.11, 114.99],
  '360900': [27.81, 114.42], '361000': [27.95, 116.36], '361100': [28.45, 117.94],
};

/** Short prefixes of city bureaus' document numbers (洪市监…, 饶市监…). */
const CITY_DOC_PREFIX: Readonly<Record<string, string>> = {
  '360100': '洪', '360200': '景', '360300': '萍', '360400': '浔', '360500': '余', '360600': '鹰', '360700': '赣州',
  '360800': '吉', '360900': '宜', '361000': '抚', '361100': '饶',
};

const PROVINCE_AMR = '江西省市场监督管理局';
const PROCESSING_ZONE = '余江区食品小作坊集中加工区';
const YUJIANG = '360603';
const REGULATION_46 = '《江西省食品小作坊小餐饮小食杂店小摊贩管理条例》第四十六条';
const FSL_124_1_1 = '《食品安全法》第一百二十四条第一款第(一)项';
const AGENCIES: readonly (readonly [string, number])[] = [
  ['江西省食品检验检测研究院', 60],
  ['江西省产品质量监督检测院', 25],
  ['江西益康检测服务有限公司', 15],
];

const FINDINGS_PARTLY = [
  '进货查验记录不完整', '从业人员健康证明过期', '生产场所地面及墙面清洁不到位', '原料与成品未分区存放',
  '防蝇防鼠设施破损', '未按规定公示登记证', '生产记录填写不规范', '食品添加剂未专柜存放、未专人管理',
] as const;
const FINDINGS_NON = [
  '使用超过保质期的食品原料', '生产场所卫生状况差，未落实清洗消毒', '超出登记范围生产食品',
  '无进货查验记录，无法说明原料来源', '食品添加剂使用无记录，超量投放风险高', '生产用水未经检验',
] as const;

const OTHER_VIOLATIONS: readonly { type: string; provision: string; fact: string }[] = [
  { type: '使用超过保质期的食品原料生产食品', provision: '《食品安全法》第三十四条第一款第(三)项', fact: '执法人员现场检查发现，当事人使用超过保质期的食品原料生产' },
  { type: '生产加工场所卫生条件不符合要求', provision: '《食品安全法》第三十三条第一款', fact: '执法人员现场检查发现，当事人生产场所卫生条件不符合要求，仍在生产' },
  { type: '生产标签不符合规定的食品', provision: '《食品安全法》第六十七条', fact: '执法人员检查发现，当事人生产的食品标签未标注生产日期和登记证编号，涉及' },
];

const BLACK_FINDINGS = [
  '使用来源不明的原料', '生产环境脏乱差，无防蝇防鼠设施', '产品无标签、无生产日期', '超范围超限量使用食品添加剂',
  '使用非食用物质', '从业人员无健康证明',
] as const;

/** Characters of an organisation-code body (GB 11714 characters that GB 32100 also allows). */
const USCC_BODY_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('');

/** GB 11714 check character of an 8-character organisation code body (主体标识码 of an individual business). */
function orgCodeCheck(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const ch = body.charAt(i);
    const value = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55;
    sum += value * (weights[i] ?? 0);
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

const NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

// ---------------------------------------------------------------------------------------------

type CategoryRef = { category: CatalogCategory; product: string };

type PenaltyRecord = Omit<NewPenalty, 'id' | 'partyId' | 'createdAt' | 'source'>;

function categoryByKey(key: string): CatalogCategory {
  const found = categories.find((c) => c.key === key);
  if (!found) throw new Error(`unknown category key ${key}`);
  return found;
}

/** County name without its 县/区/市 suffix (two characters at least): 赣县区 → 赣县, 乐平市 → 乐平. */
function countyShort(name: string): string {
  return name.length > 2 && /[县区市]$/.test(name) ? name.slice(0, -1) : name;
}

function superscript(n: number): string {
  const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return String(n)
    .split('')
    .map((d) => digits.charAt(Number(d)))
    .join('');
}

/** A colony count as printed in announcements: `2300`, `6.2×10⁴`. */
function formatCount(value: number): string {
  if (value < 10_000) {
    const magnitude = value < 100 ? 1 : 10 ** (Math.floor(Math.log10(value)) - 1);
    return String(Math.max(1, Math.round(value / magnitude) * magnitude));
  }
  let exponent = Math.floor(Math.log10(value));
  let mantissa = Math.round((value / 10 ** exponent) * 10) / 10;
  if (mantissa >= 10) {
    mantissa = 1;
    exponent += 1;
  }
  return `${mantissa.toFixed(1)}×10${superscript(exponent)}`;
}

/** A believable failing measurement of `hazard`. */
function failingMeasurement(rng: Rng, hazard: Hazard): string {
  const m = hazard.measure;
  const unit = hazard.unit === null ? '' : ` ${hazard.unit}`;
  if (m.kind === 'plan') {
    const values: number[] = [];
    const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
    if (rng.chance(0.6)) {
      // more than c values above m, none above M
      const over = rng.int(m.c + 1, m.n);
      for (let i = 0; i < m.n; i += 1) values.push(i < over ? logUniform(m.m * 1.1, m.M * 0.9) : logUniform(m.m / 20, m.m * 0.9));
    } else {
      // one value above M
      values.push(logUniform(m.M * 1.1, m.M * 8));
      for (let i = 1; i < m.n; i += 1) values.push(logUniform(m.m / 20, m.M * 0.9));
    }
    for (let i = values.length - 1; i > 0; i -= 1) {
      const j = rng.int(0, i);
      const tmp = at(values, i);
      values[i] = at(values, j);
      values[j] = tmp;
    }
    return values.map(formatCount).join(';');
  }
  const step = 10 ** -m.decimals;
  if (m.kind === 'max') {
    let value = Math.round((m.limit * (1.15 + rng.next() * 2.5)) / step) * step;
    if (value <= m.limit) value = m.limit + step;
    if (m.decimals === 0 && value >= 100) value = Math.round(value / 10) * 10;
    return `${value.toFixed(m.decimals)}${unit}`;
  }
  let value = Math.round((m.low + rng.next() * (m.high - m.low)) / step) * step;
  if (value <= 0) value = step;
  return `${value.toFixed(m.decimals)}${unit}`;
}

function chineseNumber(n: number): string {
  if (n < 10) return at(NUMERALS, n) || '零';
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : at(NUMERALS, tens)}十${at(NUMERALS, n % 10)}`;
}

/**
 * Generates `count` fictitious workshops (the fixed ones of {@link DEMO_FIXED_WORKSHOPS} first) and
 * about `count / 100` exposures (two thirds unregistered black workshops). Deterministic in
 * `(count, seed, today, counties)`. Every county receives a workshop once `count` ≥ 6 fixed + the
 * counties the fixed ones do not cover (103 for all 100 Jiangxi counties).
 *
 * @throws {RangeError} on a negative or fractional count, a malformed `today`, or no counties.
 */
export function generateDemo(options: GenerateDemoOptions): DemoDataset {
  const { count, counties } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const today = parseIso(options.today);
  if (count > 0 && counties.length === 0) throw new RangeError('counties must not be empty');
  const rng = makeRng(options.seed);
  const todayYear = yearOf(today);
  const regStart = today >= dayFromCivil(2019, 1, 1) ? dayFromCivil(2019, 1, 1) : today - 365;
  const regEnd = Math.min(dayFromCivil(2026, 12, 31), today);

  const countyByCode = new Map(counties.map((c) => [c.code, c]));
  const serialByCounty = new Map<string, number>();
  const usedNames = new Set<string>(DEMO_FIXED_WORKSHOPS.map((f) => f.name));
  const usedUscc = new Set<string>();
  const decisionCounters = new Map<string, number>();
  const fixedCount = Math.min(count, DEMO_FIXED_WORKSHOPS.length);

  // County order: first every county not covered by the fixed workshops (seeded shuffle), then a
  // seed-independent uneven weighting so that counties differ in size.
  const fixedCounties = new Set<string>();
  for (const f of DEMO_FIXED_WORKSHOPS.slice(0, fixedCount)) fixedCounties.add((countyByCode.get(f.countyCode) ?? at(counties, 0)).code);
  const coverOrder = counties.filter((c) => !fixedCounties.has(c.code));
  for (let i = coverOrder.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    const tmp = at(coverOrder, i);
    coverOrder[i] = at(coverOrder, j);
    coverOrder[j] = tmp;
  }
  const cumulative: number[] = [];
  let totalWeight = 0;
  for (const c of counties) {
    totalWeight += 0.5 + (fnv1a(c.code) % 100) / 100;
    cumulative.push(totalWeight);
  }
  const weightedCounty = (): DemoCounty => {
    const r = rng.next() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at(cumulative, mid) > r) hi = mid;
      else lo = mid + 1;
    }
    return at(counties, lo);
  };
  const categoryWeights = categories.map((c) => [c, CATEGORY_WEIGHTS[c.key] ?? 1] as const);

  const announcementCache = new Map<string, { title: string; no: string; day: number } | null>();
  /** The announcement (通告) that publishes a sample taken on `sampled`, shared by all samples of the same issue. */
  const announcementFor = (authority: string, sampled: number, city: boolean): { title: string; no: string; day: number } | null => {
    const target = sampled + rng.int(20, 45);
    const year = yearOf(target);
    const period = city ? 14 : 7;
    const yearStart = dayFromCivil(year, 1, 1);
    const issue = Math.floor((target - yearStart) / period) + 1;
    const key = `${authority}|${year}|${issue}`;
    const cached = announcementCache.get(key);
    if (cached !== undefined) return cached;
    const h = fnv1a(key);
    const day = Math.min(yearStart + (issue - 1) * period + (h % (period - 2)), dayFromCivil(year, 12, 31));
    const batches = city ? 1 + (h % 7) : 2 + ((h >>> 8) % 14);
    const result =
      day > today ? null : { title: `${authority}${year}年第${issue}期食品安全监督抽检情况的通告(${batches}批次)`, no: `${year}年第${issue}期`, day };
    announcementCache.set(key, result);
    return result;
  };

  const personName = (surname: string): string =>
    surname + (rng.chance(0.3) ? rng.pick(GIVEN_CHARS) : rng.pick(GIVEN_CHARS) + rng.pick(GIVEN_CHARS));
  const townName = (): string => rng.pick(TOWN_WORDS) + rng.weighted([['镇', 6], ['街道', 3], ['乡', 2]]);
  const addressIn = (county: DemoCounty, town: string): string =>
    `${county.name}${town}${rng.pick(ROAD_WORDS)}${rng.weighted([['路', 6], ['街', 3], ['大道', 1]])}${rng.int(1, 288)}号`;

  const workshops: DemoWorkshop[] = [];
  const penaltyRefs: { workshop: DemoWorkshop; penalty: PenaltyRecord }[] = [];

  for (let index = 0; index < count; index += 1) {
    const fixed = index < fixedCount ? at(DEMO_FIXED_WORKSHOPS, index) : null;
    const key = `demo-${String(index + 1).padStart(6, '0')}`;

    // --- county, categories, products
    let county: DemoCounty;
    if (fixed) county = countyByCode.get(fixed.countyCode) ?? at(counties, 0);
    else {
      const j = index - fixedCount;
      county = j < coverOrder.length ? at(coverOrder, j) : weightedCounty();
    }
    const inZone = !fixed && county.code === YUJIANG && rng.chance(0.45);
    const refs: CategoryRef[] = [];
    if (fixed) {
      fixed.products.forEach((product, i) => refs.push({ category: categoryByKey(at(fixed.categoryKeys, Math.min(i, fixed.categoryKeys.length - 1))), product }));
    } else {
      let primary: CatalogCategory;
      let first: string | null = null;
      const specialty = SPECIALTIES[county.code] ?? SPECIALTIES[county.cityCode];
      if (inZone) {
        const [k, p] = rng.weighted([[['soyProducts', '豆腐'], 4], [['pastries', '发糕'], 3], [['pickledVegetables', '茄子干'], 3]] as const);
        primary = categoryByKey(k);
        first = p;
      } else if (specialty && rng.chance(0.4)) {
        const [k, p] = rng.pick(specialty);
        primary = categoryByKey(k);
        first = p;
      } else primary = rng.weighted(categoryWeights);
      const productCount = rng.weighted([[1, 50], [2, 35], [3, 15]]);
      const chosen = first === null ? [] : [first];
      while (chosen.length < Math.min(productCount, primary.products.length)) {
        const p = rng.pick(primary.products);
        if (!chosen.includes(p)) chosen.push(p);
      }
      for (const p of chosen) refs.push({ category: primary, product: p });
      if (rng.chance(0.1)) {
        const secondary = rng.weighted(categoryWeights);
        if (secondary !== primary) refs.push({ category: secondary, product: rng.pick(secondary.products) });
      }
    }
    const firstRef = at(refs, 0);
    const foodCategories: string[] = [];
    for (const r of refs) if (!foodCategories.includes(r.category.samrCategory)) foodCategories.push(r.category.samrCategory);
    const products = refs.map((r) => r.product);

    // --- name and operator
    let name: string;
    let surname: string = rng.pick(SURNAMES);
    if (fixed) {
      name = fixed.name;
      if (name.startsWith('老李')) surname = '李';
    } else {
      const word = rng.chance(0.7) ? (PRODUCT_NAME_WORD[firstRef.product] ?? firstRef.product) : rng.pick(CATEGORY_NAME_WORDS[firstRef.category.key] ?? [firstRef.product]);
      const suffix = rng.weighted([['坊', 4], ['作坊', 3], ['加工坊', 3]]);
      const style = rng.weighted([['surname', 45], ['place', 25], ['brand', 30]]);
      const prefix =
        style === 'surname'
          ? rng.weighted([[`${surname}记`, 4], [`${surname}家`, 2], [`${surname}氏`, 1], [`老${surname}`, 2]])
          : style === 'place'
            ? rng.chance(0.6)
              ? countyShort(county.name)
              : rng.pick(TOWN_WORDS)
            : rng.pick(BRAND_WORDS);
      name = `${prefix}${word}${suffix}`;
      for (let attempt = 0; usedNames.has(name); attempt += 1) {
        name = attempt < 3 ? `${rng.pick(BRAND_WORDS)}${word}${suffix}` : `${prefix}（${countyShort(county.name)}${attempt > 3 ? attempt - 3 : ''}）${word}${suffix}`;
      }
    }
    usedNames.add(name);
    const operatorName = fixed?.name === '阿香米粉店' ? `${surname}${rng.pick(['', '秀', '春', '桂'])}香` : personName(surname);
    const town = fixed?.name === '文港腊肉作坊' ? '文港镇' : townName();
    const address = addressIn(county, town);

    // --- registration
    const serial = (serialByCounty.get(county.code) ?? 0) + 1;
    serialByCounty.set(county.code, serial);
    const registrationNo = `XZF${county.code}${String(serial).padStart(5, '0')}`;
    let uscc: string | null = null;
    if (rng.chance(1 / 3) && /^\d{6}$/.test(county.code)) {
      do {
        let body = 'MA';
        for (let i = 0; i < 6; i += 1) body += rng.pick(USCC_BODY_CHARS);
        const first17 = `92${county.code}${body}${orgCodeCheck(body)}`;
        uscc = first17 + usccCheckCharacter(first17);
      } while (usedUscc.has(uscc));
      usedUscc.add(uscc);
    }
    let registered = rng.int(regStart, regEnd);
    const statusRoll = fixed ? 1 : rng.next();
    let status: 'valid' | 'expired' | 'cancelled' | 'revoked' = 'valid';
    const lastExpirable = addYears(today, -3) - 1;
    if (statusRoll < 0.04 && lastExpirable >= regStart) {
      status = 'expired';
      if (registered > lastExpirable) registered = rng.int(regStart, lastExpirable);
    } else if (statusRoll >= 0.04 && statusRoll < 0.06 && registered + 90 <= today) status = 'cancelled';
    else if (statusRoll >= 0.06 && statusRoll < 0.065 && registered + 180 <= today) status = 'revoked';
    // the day the workshop stopped producing (records end there)
    let activeEnd = today;
    if (status === 'expired') {
      let k = 1;
      while (addYears(registered, 3 * (k + 1)) < today) k += 1;
      activeEnd = addYears(registered, 3 * k);
    } else if (status === 'cancelled') activeEnd = rng.int(registered + 90, today);
    const recentFrom = Math.max(registered, addYears(activeEnd, -3));
    const recordDay = (): number => (rng.chance(0.9) ? rng.int(recentFrom, activeEnd) : rng.int(registered, activeEnd));
    const authority = `${county.name}市场监督管理局`;
    let latest = registered;

    // --- inspections (日常监督检查)
    let inspections: DemoWorkshop['inspections'] = [];
    const inspectionCount = activeEnd - registered < 30 ? rng.weighted([[0, 5], [1, 5]]) : rng.weighted([[0, 10], [1, 30], [2, 30], [3, 20], [4, 10]]);
    const inspectionDays: number[] = [];
    for (let i = 0; i < inspectionCount; i += 1) inspectionDays.push(recordDay());
    inspectionDays.sort((a, b) => a - b);
    let nonCompliantFinding: { day: number; finding: string } | null = null;
    for (const day of inspectionDays) {
      const roll = rng.next();
      const result = roll < 0.85 ? 'compliant' : roll < 0.97 ? 'partlyCompliant' : 'nonCompliant';
      let findings: string | null;
      let rectification: 'notRequired' | 'pending' | 'done' = 'notRequired';
      let rectified: number | null = null;
      if (result === 'partlyCompliant') {
        findings = `${rng.pick(FINDINGS_PARTLY)}，已责令限期整改`;
        rectified = day + rng.int(3, 20);
        rectification = 'done';
      } else if (result === 'nonCompliant') {
        const finding = rng.pick(FINDINGS_NON);
        findings = `${finding}，责令立即整改`;
        nonCompliantFinding = { day, finding };
        if (rng.chance(0.5)) {
          rectified = day + rng.int(5, 30);
          rectification = 'done';
        } else rectification = 'pending';
      } else findings = rng.chance(0.5) ? '未发现问题' : null;
      if (rectified !== null && rectified > today) {
        rectified = null;
        rectification = 'pending';
      }
      latest = Math.max(latest, rectified ?? day);
      inspections.push({
        inspectedOn: iso(day),
        kind: rng.weighted([['routine', 60], ['doubleRandom', 20], ['special', 15], ['flying', 5]]),
        authority,
        result,
        findings,
        rectification,
        rectifiedOn: rectified === null ? null : iso(rectified),
        sourceRef: null,
      });
    }

    // --- sampling tests (监督抽检)
    let samplingTests: DemoSamplingTest[] = [];
    let failed: { ref: CategoryRef; hazard: Hazard; batch: string; agency: string; reportDay: number } | null = null;
    if (rng.chance(0.35)) {
      const testCount = rng.chance(0.7) ? 1 : 2;
      for (let t = 0; t < testCount; t += 1) {
        const ref = rng.pick(refs);
        const sampled = recordDay();
        const produced = Math.max(registered, sampled - rng.int(0, 30));
        const city = rng.chance(0.4);
        const testAuthority = city ? `${county.cityName}市场监督管理局` : PROVINCE_AMR;
        const announcement = announcementFor(testAuthority, sampled, city);
        const agency = rng.weighted(AGENCIES);
        const fail = rng.chance(0.07);
        const failedItems: DemoFailedItem[] = [];
        let disposal: 'none' | 'removed' | 'recalled' | 'destroyed' | 'caseOpened' = 'none';
        let disposalDone: number | null = null;
        const hazards = hazardsFor(ref.category, ref.product);
        if (fail && hazards.length > 0) {
          const hazard = rng.pick(hazards);
          failedItems.push({ item: hazard.item, unit: hazard.unit, measuredText: failingMeasurement(rng, hazard), limitText: hazard.limitText, standard: hazard.standard });
          const reportDay = sampled + rng.int(15, 25);
          const done = reportDay + rng.int(3, 25);
          if (done <= today) {
            disposalDone = done;
            disposal = rng.weighted([['removed', 40], ['recalled', 20], ['destroyed', 30], ['caseOpened', 10]]);
          }
          failed = { ref, hazard, batch: iso(produced), agency, reportDay };
        }
        const atMarket = rng.chance(0.25);
        const spec =
          ref.category.key === 'liquor'
            ? rng.pick(['散装', '2.5L/桶', '500mL/瓶'])
            : ref.category.key === 'edibleOil'
              ? rng.pick(['散装', '5L/桶', '2.5L/桶'])
              : rng.pick(['散装', '称重', '500g/袋', '250g/袋', '400g/袋']);
        latest = Math.max(latest, sampled, announcement?.day ?? 0, disposalDone ?? 0);
        samplingTests.push({
          test: {
            producerName: name,
            producerAddress: address,
            sampledUnitName: atMarket ? `${county.name}${town}农贸市场` : name,
            sampledUnitAddress: atMarket ? `${county.name}${town}` : address,
            productName: ref.product,
            spec,
            brand: '/',
            batch: iso(produced),
            sampledOn: iso(sampled),
            foodCategory: ref.category.samrCategory,
            result: failedItems.length > 0 ? 'fail' : 'pass',
            testingAgency: agency,
            announcementTitle: announcement?.title ?? null,
            announcementNo: announcement?.no ?? null,
            announcementDate: announcement === null ? null : iso(announcement.day),
            authority: testAuthority,
            disposal,
            disposalDoneOn: disposalDone === null ? null : iso(disposalDone),
            remarks: null,
            sourceUrl: null,
            sourceNote: null,
          },
          failedItems,
        });
      }
      samplingTests.sort((a, b) => (a.test.sampledOn ?? '').localeCompare(b.test.sampledOn ?? ''));
    }

    // --- penalty (行政处罚)
    const penalties: PenaltyRecord[] = [];
    const penaltyRoll = rng.next();
    const wantsPenalty =
      !fixed &&
      (status === 'revoked' ||
        (failed !== null && penaltyRoll < 0.35) ||
        (nonCompliantFinding !== null && penaltyRoll < 0.12) ||
        penaltyRoll < 0.012);
    if (wantsPenalty) {
      let decided: number;
      let violationType: string;
      let facts: string;
      let violatedProvision: string;
      let legalBasis: string;
      let caseName: string;
      if (failed !== null) {
        const hz = failed.hazard;
        const isAdditive = hz.standard === 'GB 2760-2014' || hz.limitText === '不得使用';
        const itemShort = hz.item.replace(/\(.*\)$/, '');
        decided = failed.reportDay + rng.int(30, 120);
        violationType = '生产不符合食品安全标准的食品';
        facts = `当事人生产的${failed.ref.product}(生产日期:${failed.batch})经${failed.agency}检验，${hz.item}项目不符合${hz.standard ?? '食品安全标准'}要求，检验结论为不合格。`;
        violatedProvision = isAdditive ? '《食品安全法》第三十四条第一款第(四)项' : '《食品安全法》第三十四条第一款第(二)项';
        legalBasis = !isAdditive && rng.chance(0.5) ? FSL_124_1_1 : REGULATION_46;
        caseName = `${name}生产${itemShort}不合格的${failed.ref.product}案`;
      } else if (nonCompliantFinding !== null) {
        decided = nonCompliantFinding.day + rng.int(15, 90);
        const other = nonCompliantFinding.finding.startsWith('使用超过保质期') ? at(OTHER_VIOLATIONS, 0) : at(OTHER_VIOLATIONS, 1);
        violationType = other.type;
        facts = `${other.fact}${firstRef.product}。`;
        violatedProvision = other.provision;
        legalBasis = REGULATION_46;
        caseName = `${name}${other.type}案`;
      } else {
        decided = recordDay();
        const other = rng.pick(OTHER_VIOLATIONS);
        violationType = other.type;
        facts = `${other.fact}${firstRef.product}。`;
        violatedProvision = other.provision;
        legalBasis = REGULATION_46;
        caseName = `${name}${other.type}案`;
      }
      if (status === 'revoked') decided = Math.max(decided, registered + 180);
      if (decided > today) decided = status === 'revoked' ? today : -1;
      if (decided >= 0) {
        let kinds: string[] =
          status === 'revoked'
            ? ['没收违法所得', '罚款', '吊销登记证']
            : rng.weighted<string[]>([
                [['罚款'], 30],
                [['没收违法所得', '罚款'], 40],
                [['警告'], 10],
                [['警告', '罚款'], 14],
                [['没收违法所得', '罚款', '责令停产停业'], 3],
                [['移送司法'], 3],
              ]);
        // transfer to the police only for a forbidden additive found in a sample
        if (kinds.includes('移送司法') && failed?.hazard.measure.kind !== 'forbidden') kinds = ['没收违法所得', '罚款'];
        const police = kinds.includes('移送司法');
        const fine = kinds.includes('罚款') ? Math.round(Math.exp(Math.log(2000) + rng.next() * Math.log(25)) / 100) * 100 : null;
        const confiscation = kinds.includes('没收违法所得') ? rng.int(20, 800) * 10 : null;
        const content: string[] = ['责令改正'];
        if (kinds.includes('警告')) content.push('警告');
        if (confiscation !== null) content.push(`没收违法所得人民币${confiscation}元`);
        if (fine !== null) content.push(`罚款人民币${fine}元`);
        if (kinds.includes('责令停产停业')) content.push('责令停产停业');
        if (kinds.includes('吊销登记证')) content.push('吊销食品小作坊登记证');
        let decisionNo: string | null = null;
        if (!police) {
          const short = countyShort(county.name);
          const year = yearOf(decided);
          const counterKey = `${short}|${year}`;
          const n = (decisionCounters.get(counterKey) ?? fnv1a(counterKey) % 30) + 1;
          decisionCounters.set(counterKey, n);
          decisionNo = `${short}市监罚决〔${year}〕${n}号`;
        }
        const penalty: PenaltyRecord = {
          decisionNo,
          caseName,
          violationType,
          facts,
          violatedProvision,
          legalBasis: police ? '《食品安全法》第一百二十一条' : legalBasis,
          penaltyKinds: kinds,
          penaltyContent: police ? '涉嫌犯罪，将案件移送公安机关' : content.join('；'),
          fineYuan: fine,
          confiscationYuan: confiscation,
          decidedOn: iso(decided),
          authority,
          disclosureStart: iso(decided),
          publishedDisclosureEnd: null,
          transferredToPolice: police,
          repairedOn: null,
          announcementTitle: null,
          announcementDate: null,
          sourceUrl: null,
          sourceNote: null,
        };
        penalties.push(penalty);
        latest = Math.max(latest, decided);
        if (status === 'revoked') {
          // nothing happens after the registration is revoked
          activeEnd = decided;
          const last = iso(decided);
          inspections = inspections
            .filter((r) => r.inspectedOn <= last)
            .map((r) => ((r.rectifiedOn ?? '') > last ? { ...r, rectification: 'pending', rectifiedOn: null } : r));
          samplingTests = samplingTests.filter((r) => (r.test.sampledOn ?? '') <= last);
        }
      } else if (status === 'revoked') status = 'valid';
    } else if (status === 'revoked') status = 'valid';

    // --- validity of the registration
    let validUntil = addYears(registered, 3);
    if (status === 'valid') while (validUntil < today) validUntil = addYears(validUntil, 3);
    else if (status === 'expired') validUntil = activeEnd;
    else while (validUntil < activeEnd) validUntil = addYears(validUntil, 3);
    if (status === 'cancelled') latest = Math.max(latest, activeEnd);
    if (status === 'valid' && validUntil !== addYears(registered, 3)) latest = Math.max(latest, Math.min(today, addYears(validUntil, -3)));

    // --- honors
    const honors: DemoWorkshop['honors'] = [];
    const hasBadRecord = penalties.length > 0 || failed !== null;
    const firstHonorYear = Math.max(2019, yearOf(registered));
    const lastHonorYear = Math.min(2026, todayYear);
    const honorYear = (): number => rng.int(firstHonorYear, lastHonorYear);
    if (status === 'valid' && !hasBadRecord && firstHonorYear <= lastHonorYear && rng.chance(fixed ? 0.2 : 0.057)) {
      const year = honorYear();
      const provincial = rng.chance(0.5);
      const honorAuthority = provincial ? PROVINCE_AMR : `${county.cityName}市场监督管理局`;
      const prefix = provincial ? '赣' : (CITY_DOC_PREFIX[county.cityCode] ?? county.cityName.replace(/市$/, ''));
      honors.push({
        kind: 'demonstrationUnit',
        title: '江西省食品小作坊示范单位',
        year,
        authority: honorAuthority,
        documentNo: `${prefix}市监食生〔${year}〕${1 + (fnv1a(`${honorAuthority}${year}`) % 60)}号`,
        validUntil: `${year + 3}-12-31`,
        withdrawnOn: null,
      });
    }
    const heritage = !fixed && rng.chance(0.02);
    if (heritage && firstHonorYear <= lastHonorYear && rng.chance(0.6)) {
      const year = honorYear();
      const cityPrefix = CITY_DOC_PREFIX[county.cityCode] ?? county.cityName.replace(/市$/, '');
      honors.push({
        kind: 'heritage',
        title: `${firstRef.product}传统制作技艺（第${chineseNumber(1 + (year % 6))}批市级非物质文化遗产代表性项目）`,
        year,
        authority: `${county.cityName}人民政府`,
        documentNo: `${cityPrefix}府发〔${year}〕${1 + (fnv1a(`${county.cityCode}heritage${year}`) % 40)}号`,
        validUntil: null,
        withdrawnOn: null,
      });
    }
    if (status === 'valid' && !hasBadRecord && firstHonorYear <= lastHonorYear && rng.chance(0.01)) {
      const year = honorYear();
      const cityPrefix = CITY_DOC_PREFIX[county.cityCode] ?? county.cityName.replace(/市$/, '');
      honors.push({
        kind: 'specialBrand',
        title: `${county.cityName}食品小作坊特色品牌`,
        year,
        authority: `${county.cityName}市场监督管理局`,
        documentNo: `${cityPrefix}市监食生〔${year}〕${1 + (fnv1a(`${county.cityCode}brand${year}`) % 60)}号`,
        validUntil: `${year + 3}-12-31`,
        withdrawnOn: null,
      });
    }

    // --- risk level (A lowest risk … D highest)
    let riskLevel = rng.weighted<'A' | 'B' | 'C' | 'D'>([['A', 30], ['B', 45], ['C', 18], ['D', 7]]);
    if (hasBadRecord && (riskLevel === 'A' || riskLevel === 'B')) riskLevel = rng.chance(0.7) ? 'C' : 'D';
    if (honors.some((h) => h.kind === 'demonstrationUnit') && (riskLevel === 'C' || riskLevel === 'D')) riskLevel = 'A';

    const centre = CITY_CENTRES[county.cityCode];
    const jitter = (): number => (rng.next() - 0.5) * 0.5;
    const lat = centre ? Math.round((centre[0] + jitter()) * 1e5) / 1e5 : null;
    const lng = centre ? Math.round((centre[1] + jitter()) * 1e5) / 1e5 : null;
    const updatedDay = Math.min(latest, today);
    const updatedAt = `${iso(updatedDay)}T${pad2(rng.int(0, 9))}:${pad2(rng.int(0, 59))}:${pad2(rng.int(0, 59))}.000Z`;

    const workshop: DemoWorkshop = {
      key,
      party: {
        kind: 'workshop',
        name,
        registrationNo,
        uscc,
        operatorName,
        address,
        countyCode: county.code,
        cityCode: county.cityCode,
        foodCategories,
        products,
        registeredOn: iso(registered),
        validUntil: iso(validUntil),
        registrationStatus: status,
        riskLevel,
        processingZone: inZone ? PROCESSING_ZONE : null,
        heritage,
        seriousListUntil: null,
        lat,
        lng,
        updatedAt,
      },
      inspections,
      samplingTests,
      penalties,
      honors,
    };
    workshops.push(workshop);
    for (const penalty of penalties) {
      if (penalty.decisionNo && penalty.fineYuan !== null && penalty.fineYuan !== undefined) penaltyRefs.push({ workshop, penalty });
    }
  }

  // --- exposures (曝光台): about 1 %, two thirds black workshops
  const exposureTotal = Math.round(count / 100);
  const registeredTarget = Math.min(penaltyRefs.length, exposureTotal - Math.round((exposureTotal * 2) / 3));
  const drafts: { day: number; exposure: DemoExposure }[] = [];
  for (let i = 0; i < registeredTarget; i += 1) {
    const j = rng.int(i, penaltyRefs.length - 1);
    const chosen = at(penaltyRefs, j);
    penaltyRefs[j] = at(penaltyRefs, i);
    penaltyRefs[i] = chosen;
    const { workshop, penalty } = chosen;
    const day = Math.min(today, parseIso(penalty.decidedOn ?? options.today) + rng.int(1, 20));
    drafts.push({
      day,
      exposure: {
        slug: '',
        subjectName: workshop.party.name,
        place: workshop.party.address ?? null,
        countyCode: workshop.party.countyCode ?? null,
        findings: penalty.facts ?? penalty.violationType ?? '生产不符合食品安全标准的食品',
        outcome: penalty.penaltyContent ?? '依法查处',
        basisKind: 'decision',
        basisRef: penalty.decisionNo ?? '',
        publishedOn: iso(day),
        withdrawnOn: null,
        workshopKey: workshop.key,
      },
    });
  }
  const exposureFrom = Math.max(regStart, addYears(today, -3));
  for (let i = registeredTarget; i < exposureTotal; i += 1) {
    const county = rng.pick(counties);
    const category = rng.weighted(categoryWeights);
    const product = rng.pick(category.products);
    const word = PRODUCT_NAME_WORD[product] ?? product;
    const village = `${rng.pick(VILLAGE_WORDS)}村`;
    const day = rng.int(exposureFrom, today);
    const extras: string[] = [];
    const extraCount = rng.int(1, 2);
    while (extras.length < extraCount) {
      const f = rng.pick(BLACK_FINDINGS);
      if (!extras.includes(f)) extras.push(f);
    }
    if (category.key === 'liquor' && rng.chance(0.5)) extras.push('使用食用酒精勾兑冒充纯粮酒');
    const seizedKg = rng.int(2, 60) * 10;
    const outcome = rng.weighted([
      [`责令停止生产，没收生产工具和${word}${seizedKg}公斤`, 5],
      [`责令停止生产，没收生产工具和产品，罚款人民币${rng.int(5, 50) * 1000}元`, 4],
      ['责令停止生产，查封生产场所，涉嫌犯罪移送公安机关', 1],
    ]);
    drafts.push({
      day,
      exposure: {
        slug: '',
        subjectName: rng.chance(0.4) ? `无名${word}作坊` : `${village}${word}作坊`,
        place: `${county.name}${townName()}${village}`,
        countyCode: county.code,
        findings: `无证生产${product}，未取得食品小作坊登记证；${extras.join('；')}`,
        outcome,
        basisKind: 'announcement',
        basisRef: `${county.name}市场监督管理局关于${yearOf(day)}年查处无证食品生产加工小作坊情况的通报`,
        publishedOn: iso(day),
        withdrawnOn: null,
        workshopKey: null,
      },
    });
  }
  drafts.sort((a, b) => a.day - b.day);
  const exposures = drafts.map((d, i) => ({ ...d.exposure, slug: `demo-${String(i + 1).padStart(6, '0')}` }));

  return { workshops, exposures };
}
