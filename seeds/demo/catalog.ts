/**
 * Catalogue of the food categories typical of Jiangxi small food-production workshops
 * (食品生产加工小作坊), with their usual products and the items that typically fail in sampling.
 *
 * Source: `data/categories.md` (section 2 and 3) of the project's shared research notes. Every
 * hazard carries the evidence mark of that file: `E` when a Jiangxi or national source shows the
 * hazard for the category, `K` when it comes from general knowledge of the GB standards. Where the
 * numeric limit itself is general knowledge (not read in a source), `note` says so: check the
 * published standard before showing such a limit as fact. Limits are written exactly in the style
 * of the official sampling announcements (`≤0.1 g/kg`, `不得使用`, `n=5,c=2,m=10⁴,M=10⁵`).
 *
 * Used by the demo generator (`generate.ts`) for fictitious workshops only.
 */

/** Evidence mark copied from categories.md: `E` sourced, `K` general knowledge. */
export type Evidence = 'E' | 'K';

/**
 * How the demo generator synthesises a failing measured value for a hazard.
 * - `max`: a single value over `limit` (in the hazard's unit), printed with `decimals` decimals;
 * - `forbidden`: the additive is not permitted (`不得使用`); a detected amount in [low, high] (unit);
 * - `plan`: a microbiological sampling plan (n, c, m, M in CFU/g): five values, more than c over m
 *   or one over M.
 */
export type HazardMeasure =
  | { kind: 'max'; limit: number; decimals: number }
  | { kind: 'forbidden'; low: number; high: number; decimals: number }
  | { kind: 'plan'; n: number; c: number; m: number; M: number };

/** A typical failing item (不合格项目) of a category, with its limit (标准值) and standard. */
export type Hazard = {
  /** 不合格项目 as printed in the announcements, e.g. `苯甲酸及其钠盐(以苯甲酸计)`. */
  item: string;
  /** unit of the measured value: `g/kg`, `mg/kg`, `μg/kg`, `g/100g`, `mg/g`, `g/L`, `mg/L`, `CFU/g`; null for a ratio. */
  unit: string | null;
  /** 标准值 exactly in the official style: `≤0.1 g/kg`, `不得使用`, `n=5,c=2,m=10⁴,M=10⁵`. */
  limitText: string;
  /** the standard the limit comes from, e.g. `GB 2760-2014`; null when the source does not give one. */
  standard: string | null;
  /** evidence mark copied from categories.md. */
  evidence: Evidence;
  /** where the evidence comes from, and a warning when the limit is general knowledge. */
  note: string;
  /** products of the category this hazard applies to; absent = all products. */
  appliesTo?: readonly string[];
  /** how the generator synthesises a failing value. */
  measure: HazardMeasure;
};

/** A food category as used in Jiangxi workshop registration and sampling. */
export type CatalogCategory = {
  /** stable English key. */
  key: string;
  /** SAMR sampling category (食品大类), as stored in `parties.foodCategories`. */
  samrCategory: string;
  /** Chinese display label of the workshop trade, e.g. `米粉 / 粉干`. */
  display: string;
  /** typical products (Chinese names as on a registration certificate). */
  products: readonly string[];
  /** Jiangxi examples named in categories.md. */
  jiangxiExamples: readonly string[];
  /** typical failing items with limits. */
  hazards: readonly Hazard[];
};

const K_LIMIT = '限量值为通用标准知识，未在来源中核实，展示前请核对标准原文';

/** The ten workshop categories of categories.md section 2 (restaurant food and bean sprouts excluded: not workshops). */
export const categories: readonly CatalogCategory[] = [
  {
    key: 'riceNoodles',
    samrCategory: '粮食加工品',
    display: '米粉 / 粉干',
    products: ['米粉', '湿米粉', '粉干', '米线'],
    jiangxiExamples: ['南昌米粉', '宁都粉干', '石城粉干', '湿米粉'],
    hazards: [
      {
        item: '脱氢乙酸及其钠盐(以脱氢乙酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 未找到江西米粉不合格实例；米粉制品不在脱氢乙酸允许使用范围。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.02, high: 0.45, decimals: 3 },
      },
      {
        item: '苯甲酸及其钠盐(以苯甲酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 湿米粉防腐剂。${K_LIMIT}`,
        appliesTo: ['米粉', '湿米粉', '米线'],
        measure: { kind: 'forbidden', low: 0.03, high: 0.8, decimals: 2 },
      },
      {
        item: '二氧化硫残留量',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 漂白。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.012, high: 0.15, decimals: 3 },
      },
      {
        item: '铅(以Pb计)',
        unit: 'mg/kg',
        limitText: '≤0.2 mg/kg',
        standard: 'GB 2762-2022',
        evidence: 'K',
        note: `categories.md [K]: 原料大米带入。谷物制品限量 0.2 mg/kg；${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.2, decimals: 2 },
      },
    ],
  },
  {
    key: 'riceCakes',
    samrCategory: '粮食加工品',
    display: '年糕 / 米果',
    products: ['年糕', '黄元米果', '碱灰粑', '麻糍', '米果'],
    jiangxiExamples: ['赣县黄元米果', '修水碱灰粑'],
    hazards: [
      {
        item: '脱氢乙酸及其钠盐(以脱氢乙酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md: 产品 [E S-24]，危害 [K]。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.02, high: 0.4, decimals: 3 },
      },
      {
        item: '苯甲酸及其钠盐(以苯甲酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md: 危害 [K]。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.03, high: 0.6, decimals: 2 },
      },
      {
        item: '山梨酸及其钾盐(以山梨酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md: 危害 [K]（防腐剂）。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.05, high: 0.9, decimals: 2 },
      },
    ],
  },
  {
    key: 'pastries',
    samrCategory: '糕点',
    display: '糕点',
    products: ['发糕', '茶饼', '桃酥', '月饼', '冻米糖', '麻饼'],
    jiangxiExamples: ['九江茶饼', '乐平桃酥', '发糕', '冻米糖'],
    hazards: [
      {
        item: '脱氢乙酸及其钠盐(以脱氢乙酸计)',
        unit: 'g/kg',
        limitText: '≤0.5 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: 'categories.md [E S-6, S-7] sampling-examples.csv #15, #17, #19；糕点最大使用量 0.5 g/kg（sampling #15 注）。GB 2760-2024 自 2025-02-08 起可能不再允许糕点使用，新样品请核对',
        measure: { kind: 'max', limit: 0.5, decimals: 2 },
      },
      {
        item: '防腐剂混合使用时各自用量占其最大使用量的比例之和',
        unit: null,
        limitText: '≤1',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: 'categories.md [E S-6] sampling-examples.csv #14, #16',
        measure: { kind: 'max', limit: 1, decimals: 2 },
      },
      {
        item: '过氧化值(以脂肪计)',
        unit: 'g/100g',
        limitText: '≤0.25 g/100g',
        standard: 'GB 7099-2015',
        evidence: 'E',
        note: `categories.md [E S-7, S-30] sampling-examples.csv #18。${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.25, decimals: 2 },
      },
      {
        item: '酸价(以脂肪计)(KOH)',
        unit: 'mg/g',
        limitText: '≤5 mg/g',
        standard: 'GB 7099-2015',
        evidence: 'E',
        note: `categories.md [E S-12]（油脂酸败）。${K_LIMIT}`,
        measure: { kind: 'max', limit: 5, decimals: 1 },
      },
      {
        item: '菌落总数',
        unit: 'CFU/g',
        limitText: 'n=5,c=2,m=10⁴,M=10⁵',
        standard: 'GB 7099-2015',
        evidence: 'E',
        note: `categories.md [E S-6, S-7, S-12]。${K_LIMIT}`,
        measure: { kind: 'plan', n: 5, c: 2, m: 10_000, M: 100_000 },
      },
      {
        item: '霉菌',
        unit: 'CFU/g',
        limitText: '≤150 CFU/g',
        standard: 'GB 7099-2015',
        evidence: 'E',
        note: `categories.md [E S-6, S-7, S-12]。${K_LIMIT}`,
        measure: { kind: 'max', limit: 150, decimals: 0 },
      },
      {
        item: '铝的残留量(干样品,以Al计)',
        unit: 'mg/kg',
        limitText: '≤100 mg/kg',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: `categories.md [E S-6, S-7, S-12]（膨松剂）。${K_LIMIT}`,
        appliesTo: ['发糕', '麻饼', '桃酥'],
        measure: { kind: 'max', limit: 100, decimals: 0 },
      },
      {
        item: '甜蜜素(以环己基氨基磺酸计)',
        unit: 'g/kg',
        limitText: '≤1.6 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: `categories.md [E S-6, S-7, S-12]。${K_LIMIT}`,
        measure: { kind: 'max', limit: 1.6, decimals: 2 },
      },
    ],
  },
  {
    key: 'curedMeat',
    samrCategory: '肉制品',
    display: '熏肉 / 腊肉',
    products: ['腊肉', '熏肉', '腊肠', '腊鸭', '酱卤肉'],
    jiangxiExamples: ['赣南腊肉', '熏肉', '上饶鸡腿', '凤爪'],
    hazards: [
      {
        item: '过氧化值(以脂肪计)',
        unit: 'g/100g',
        limitText: '≤0.5 g/100g',
        standard: 'GB 2730-2015',
        evidence: 'E',
        note: 'categories.md [E S-25]: GB 2730-2015 火腿、腊肉、咸肉、腊肠 ≤0.5 g/100g',
        appliesTo: ['腊肉', '熏肉', '腊肠', '腊鸭'],
        measure: { kind: 'max', limit: 0.5, decimals: 2 },
      },
      {
        item: '亚硝酸盐(以亚硝酸钠计)',
        unit: 'mg/kg',
        limitText: '≤30 mg/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 腌腊肉制品残留量。${K_LIMIT}`,
        measure: { kind: 'max', limit: 30, decimals: 0 },
      },
      {
        item: '苯并[a]芘',
        unit: 'μg/kg',
        limitText: '≤5.0 μg/kg',
        standard: 'GB 2762-2022',
        evidence: 'K',
        note: `categories.md [K]: 熏、烧、烤肉类。${K_LIMIT}`,
        appliesTo: ['熏肉', '腊肉'],
        measure: { kind: 'max', limit: 5, decimals: 1 },
      },
      {
        item: 'N-二甲基亚硝胺',
        unit: 'μg/kg',
        limitText: '≤3.0 μg/kg',
        standard: 'GB 2762-2022',
        evidence: 'K',
        note: `categories.md [K]: 肉制品(肉类罐头除外)。${K_LIMIT}`,
        measure: { kind: 'max', limit: 3, decimals: 1 },
      },
      {
        item: '苯甲酸及其钠盐(以苯甲酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.05, high: 0.9, decimals: 2 },
      },
      {
        item: '菌落总数',
        unit: 'CFU/g',
        limitText: 'n=5,c=2,m=10⁴,M=10⁵',
        standard: 'GB 2726-2016',
        evidence: 'E',
        note: `categories.md [E S-9, S-5] sampling-examples.csv #12, #22（熟肉制品）。${K_LIMIT}`,
        appliesTo: ['酱卤肉'],
        measure: { kind: 'plan', n: 5, c: 2, m: 10_000, M: 100_000 },
      },
    ],
  },
  {
    key: 'soyProducts',
    samrCategory: '豆制品',
    display: '豆腐 / 豆制品',
    products: ['豆腐', '豆干', '香干', '豆皮', '腐竹', '霉豆腐'],
    jiangxiExamples: ['南丰豆皮', '余江集中加工区豆制品'],
    hazards: [
      {
        item: '苯甲酸及其钠盐(以苯甲酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: 'categories.md [E S-26]: 安徽案例 2.34 g/kg，标准值 不得使用',
        measure: { kind: 'forbidden', low: 0.05, high: 2.5, decimals: 2 },
      },
      {
        item: '脱氢乙酸及其钠盐(以脱氢乙酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 非发酵豆制品。${K_LIMIT}`,
        appliesTo: ['豆腐', '豆干', '香干', '豆皮', '腐竹'],
        measure: { kind: 'forbidden', low: 0.02, high: 0.4, decimals: 3 },
      },
      {
        item: '脱氢乙酸及其钠盐(以脱氢乙酸计)',
        unit: 'g/kg',
        limitText: '≤0.3 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 发酵豆制品。${K_LIMIT}`,
        appliesTo: ['霉豆腐'],
        measure: { kind: 'max', limit: 0.3, decimals: 2 },
      },
      {
        item: '大肠菌群',
        unit: 'CFU/g',
        limitText: 'n=5,c=2,m=10²,M=10³',
        standard: 'GB 2712-2014',
        evidence: 'K',
        note: `categories.md [K]: 即食类豆制品。${K_LIMIT}`,
        appliesTo: ['豆干', '香干', '豆皮'],
        measure: { kind: 'plan', n: 5, c: 2, m: 100, M: 1000 },
      },
      {
        item: '二氧化硫残留量',
        unit: 'g/kg',
        limitText: '≤0.2 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md 未列；腐竹类(包括腐竹、油皮等)。${K_LIMIT}`,
        appliesTo: ['腐竹'],
        measure: { kind: 'max', limit: 0.2, decimals: 2 },
      },
    ],
  },
  {
    key: 'liquor',
    samrCategory: '酒类',
    display: '米酒 / 谷酒',
    products: ['谷酒', '米酒', '红米酒', '黄酒', '清明酒', '白酒'],
    jiangxiExamples: ['广昌谷酒', '南丰谷酒', '井冈山红米酒'],
    hazards: [
      {
        item: '甜蜜素(以环己基氨基磺酸计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: 'categories.md [E S-13, S-10, S-11, S-19] sampling-examples.csv #23（白酒不得使用）',
        measure: { kind: 'forbidden', low: 0.02, high: 0.6, decimals: 3 },
      },
      {
        item: '糖精钠(以糖精计)',
        unit: 'g/kg',
        limitText: '不得使用',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: `categories.md [E S-13, S-10, S-11]。${K_LIMIT}`,
        measure: { kind: 'forbidden', low: 0.005, high: 0.12, decimals: 3 },
      },
      {
        item: '甲醇',
        unit: 'g/L',
        limitText: '≤0.6 g/L',
        standard: 'GB 2757-2012',
        evidence: 'E',
        note: `categories.md [E S-40]: 粮谷类蒸馏酒，以100%vol乙醇计。${K_LIMIT}`,
        appliesTo: ['谷酒', '白酒'],
        measure: { kind: 'max', limit: 0.6, decimals: 2 },
      },
      {
        item: '氰化物(以HCN计)',
        unit: 'mg/L',
        limitText: '≤8.0 mg/L',
        standard: 'GB 2757-2012',
        evidence: 'E',
        note: `categories.md [E S-40]: 以100%vol乙醇计。${K_LIMIT}`,
        appliesTo: ['谷酒', '白酒'],
        measure: { kind: 'max', limit: 8, decimals: 1 },
      },
      {
        item: '邻苯二甲酸二丁酯(DBP)',
        unit: 'mg/kg',
        limitText: '≤0.3 mg/kg',
        standard: '卫办监督函〔2011〕551号',
        evidence: 'E',
        note: `categories.md [E S-19]: 塑化剂（塑料设备迁移）。${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.3, decimals: 2 },
      },
    ],
  },
  {
    key: 'pickledVegetables',
    samrCategory: '蔬菜制品',
    display: '辣椒酱 / 剁椒 / 腌菜',
    products: ['剁椒', '辣椒酱', '腌菜', '菜梗', '萝卜干', '茄子干', '霉干菜'],
    jiangxiExamples: ['萍乡剁椒', '临川菜梗', '余江茄子干', '冰糖姜丝'],
    hazards: [
      {
        item: '二氧化硫残留量',
        unit: 'g/kg',
        limitText: '≤0.1 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: 'categories.md [E S-1] sampling-examples.csv #2（开胃剁椒 0.29 g/kg，≤0.1 g/kg）',
        appliesTo: ['剁椒', '辣椒酱', '腌菜', '菜梗', '霉干菜'],
        measure: { kind: 'max', limit: 0.1, decimals: 3 },
      },
      {
        item: '苯甲酸及其钠盐(以苯甲酸计)',
        unit: 'g/kg',
        limitText: '≤1.0 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: 'categories.md [E S-1] sampling-examples.csv #1（冰糖姜丝 1.37 g/kg，≤1.0 g/kg）',
        measure: { kind: 'max', limit: 1, decimals: 2 },
      },
      {
        item: '脱氢乙酸及其钠盐(以脱氢乙酸计)',
        unit: 'g/kg',
        limitText: '≤0.3 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 腌渍的蔬菜。${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.3, decimals: 3 },
      },
      {
        item: '甜蜜素(以环己基氨基磺酸计)',
        unit: 'g/kg',
        limitText: '≤1.0 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 腌渍的蔬菜。${K_LIMIT}`,
        measure: { kind: 'max', limit: 1, decimals: 2 },
      },
      {
        item: '亚硝酸盐(以NaNO₂计)',
        unit: 'mg/kg',
        limitText: '≤20 mg/kg',
        standard: 'GB 2762-2022',
        evidence: 'K',
        note: `categories.md [K]: 腌渍蔬菜。${K_LIMIT}`,
        appliesTo: ['腌菜', '菜梗', '萝卜干', '霉干菜'],
        measure: { kind: 'max', limit: 20, decimals: 1 },
      },
    ],
  },
  {
    key: 'starchProducts',
    samrCategory: '淀粉及淀粉制品',
    display: '葛粉 / 红薯粉丝',
    products: ['葛粉', '红薯粉丝', '红薯粉', '粉皮'],
    jiangxiExamples: ['葛粉', '红薯粉丝'],
    hazards: [
      {
        item: '菌落总数',
        unit: 'CFU/g',
        limitText: 'n=5,c=2,m=10⁴,M=10⁵',
        standard: null,
        evidence: 'E',
        note: 'categories.md [E S-4] sampling-examples.csv #10（葛粉，通告未列标准依据）',
        appliesTo: ['葛粉'],
        measure: { kind: 'plan', n: 5, c: 2, m: 10_000, M: 100_000 },
      },
      {
        item: '铝的残留量(干样品,以Al计)',
        unit: 'mg/kg',
        limitText: '≤200 mg/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 明矾，粉丝粉条。${K_LIMIT}`,
        appliesTo: ['红薯粉丝', '粉皮'],
        measure: { kind: 'max', limit: 200, decimals: 0 },
      },
      {
        item: '二氧化硫残留量',
        unit: 'g/kg',
        limitText: '≤0.03 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 食用淀粉。${K_LIMIT}`,
        appliesTo: ['葛粉', '红薯粉'],
        measure: { kind: 'max', limit: 0.03, decimals: 3 },
      },
    ],
  },
  {
    key: 'edibleOil',
    samrCategory: '食用油、油脂及其制品',
    display: '山茶油 / 菜籽油',
    products: ['山茶油', '菜籽油'],
    jiangxiExamples: ['江西山茶油', '压榨菜籽油'],
    hazards: [
      {
        item: '酸价(KOH)',
        unit: 'mg/g',
        limitText: '≤3 mg/g',
        standard: 'GB 2716-2018',
        evidence: 'E',
        note: `categories.md [E S-12, S-22] sampling-examples.csv #25。${K_LIMIT}`,
        measure: { kind: 'max', limit: 3, decimals: 1 },
      },
      {
        item: '过氧化值',
        unit: 'g/100g',
        limitText: '≤0.25 g/100g',
        standard: 'GB 2716-2018',
        evidence: 'E',
        note: `categories.md [E S-12, S-22]。${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.25, decimals: 2 },
      },
      {
        item: '苯并[a]芘',
        unit: 'μg/kg',
        limitText: '≤10 μg/kg',
        standard: 'GB 2762-2022',
        evidence: 'K',
        note: `categories.md [K]: 油脂及其制品。${K_LIMIT}`,
        measure: { kind: 'max', limit: 10, decimals: 1 },
      },
      {
        item: '黄曲霉毒素B₁',
        unit: 'μg/kg',
        limitText: '≤10 μg/kg',
        standard: 'GB 2761-2017',
        evidence: 'K',
        note: `categories.md [K]: 其他油脂（花生油、玉米油为 20 μg/kg）。${K_LIMIT}`,
        measure: { kind: 'max', limit: 10, decimals: 1 },
      },
    ],
  },
  {
    key: 'fruitProducts',
    samrCategory: '水果制品',
    display: '南酸枣糕 / 蜜饯',
    products: ['南酸枣糕', '酸枣糕', '蜜饯', '果脯'],
    jiangxiExamples: ['齐云山南酸枣糕'],
    hazards: [
      {
        item: '霉菌',
        unit: 'CFU/g',
        limitText: '≤50 CFU/g',
        standard: 'GB 14884-2016',
        evidence: 'E',
        note: `categories.md [E S-27]。${K_LIMIT}`,
        measure: { kind: 'max', limit: 50, decimals: 0 },
      },
      {
        item: '二氧化硫残留量',
        unit: 'g/kg',
        limitText: '≤0.35 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 蜜饯凉果。${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.35, decimals: 2 },
      },
      {
        item: '苯甲酸及其钠盐(以苯甲酸计)',
        unit: 'g/kg',
        limitText: '≤0.5 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'K',
        note: `categories.md [K]: 蜜饯凉果。${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.5, decimals: 2 },
      },
      {
        item: '胭脂红',
        unit: 'g/kg',
        limitText: '≤0.05 g/kg',
        standard: 'GB 2760-2014',
        evidence: 'E',
        note: `categories.md [E S-8]: 2024 年省级案例。蜜饯凉果限量：${K_LIMIT}`,
        measure: { kind: 'max', limit: 0.05, decimals: 3 },
      },
    ],
  },
];

/** The hazards of `category` that apply to `product` (all of them when none is product-specific). */
export function hazardsFor(category: CatalogCategory, product: string): Hazard[] {
  return category.hazards.filter((h) => h.appliesTo === undefined || h.appliesTo.includes(product));
}
