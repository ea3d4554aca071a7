/**
 * Vocabulary for synthetic Wikipedia edit events, shaped after Druid's wikiticker sample: a few
 * big language channels and a long tail, mostly registered users, geography only for anonymous
 * (IP) edits, and a small set of namespaces.
 */

export const LANGUAGES = [
  'en', 'it', 'es', 'fr', 'ru', 'de', 'ja', 'zh', 'pt', 'vi', 'pl', 'nl', 'sv', 'ar', 'ko', 'uk', 'fa', 'he', 'cs', 'fi',
  'hu', 'id', 'ro', 'tr', 'no', 'ca', 'el', 'da', 'sr', 'bg', 'th', 'ms', 'hi', 'sk', 'eu', 'hr', 'lt', 'et', 'sl', 'kk',
  'be', 'hy', 'ka', 'az', 'la', 'ta', 'ur', 'gl', 'bn', 'cy',
] as const;

/** Namespaces with the page-title prefix they carry, and how often edits land there. */
export const NAMESPACES: readonly { name: string; prefix: string; weight: number }[] = [
  { name: 'Main', prefix: '', weight: 62 },
  { name: 'User', prefix: 'User:', weight: 9 },
  { name: 'Talk', prefix: 'Talk:', weight: 7 },
  { name: 'User talk', prefix: 'User talk:', weight: 7 },
  { name: 'Wikipedia', prefix: 'Wikipedia:', weight: 5 },
  { name: 'Category', prefix: 'Category:', weight: 4 },
  { name: 'File', prefix: 'File:', weight: 3 },
  { name: 'Template', prefix: 'Template:', weight: 3 },
];

export const TITLE_WORDS = [
  'History', 'River', 'Battle', 'Station', 'University', 'Church', 'Football', 'Album', 'Election', 'Island', 'Castle',
  'Railway', 'Festival', 'Mountain', 'Bridge', 'Museum', 'Airport', 'Dynasty', 'Opera', 'Novel', 'Theorem', 'Planet',
  'Cathedral', 'League', 'Republic', 'Empire', 'Valley', 'Harbor', 'Canal', 'Forest', 'Tower', 'Lighthouse', 'Palace',
  'Orchestra', 'Symphony', 'Parliament', 'Treaty', 'Expedition', 'Volcano', 'Glacier', 'Desert', 'Lake', 'Temple',
  'Monastery', 'Academy', 'Library', 'Garden', 'Stadium', 'Village', 'Province',
] as const;

export const TITLE_NAMES = [
  'Oswald', 'Tilghman', 'Lincoln', 'Kyoto', 'Aurora', 'Helsinki', 'Danube', 'Victoria', 'Andes', 'Byzantium', 'Sahara',
  'Madison', 'Ptolemy', 'Nairobi', 'Valencia', 'Odessa', 'Galway', 'Quebec', 'Tasmania', 'Bavaria', 'Lisbon', 'Yukon',
  'Carthage', 'Sumatra', 'Granada', 'Cairo', 'Lagos', 'Osaka', 'Perth', 'Zurich',
] as const;

export const USER_PARTS = [
  'Long', 'street', 'Bot', 'Wiki', 'Editor', 'Gnome', 'Scholar', 'River', 'Stone', 'Night', 'Owl', 'Fox', 'Maple',
  'Iron', 'Quill', 'Atlas', 'Nova', 'Pixel', 'Echo', 'Delta', 'Sigma', 'Harbor', 'Cedar', 'Falcon',
] as const;

export interface Region {
  readonly iso: string;
  readonly name: string;
  readonly cities: readonly string[];
}

export interface Country {
  readonly iso: string;
  readonly name: string;
  readonly regions: readonly Region[];
  /** US DMA codes; only US edits carry a metroCode in the sample data. */
  readonly metroCodes?: readonly number[];
}

export const COUNTRIES: readonly Country[] = [
  {
    iso: 'US', name: 'United States', metroCodes: [501, 803, 602, 807, 623, 511, 539, 819, 753, 524],
    regions: [
      { iso: 'NY', name: 'New York', cities: ['New York', 'Buffalo', 'Albany'] },
      { iso: 'CA', name: 'California', cities: ['Los Angeles', 'San Francisco', 'San Diego', 'Sacramento'] },
      { iso: 'TX', name: 'Texas', cities: ['Houston', 'Austin', 'Dallas'] },
      { iso: 'WA', name: 'Washington', cities: ['Seattle', 'Spokane'] },
      { iso: 'IL', name: 'Illinois', cities: ['Chicago'] },
    ],
  },
  { iso: 'GB', name: 'United Kingdom', regions: [{ iso: 'ENG', name: 'England', cities: ['London', 'Manchester', 'Leeds'] }, { iso: 'SCT', name: 'Scotland', cities: ['Glasgow', 'Edinburgh'] }] },
  { iso: 'IN', name: 'India', regions: [{ iso: 'MH', name: 'Maharashtra', cities: ['Mumbai', 'Pune'] }, { iso: 'KA', name: 'Karnataka', cities: ['Bengaluru'] }, { iso: 'DL', name: 'Delhi', cities: ['New Delhi'] }] },
  { iso: 'DE', name: 'Germany', regions: [{ iso: 'BE', name: 'Land Berlin', cities: ['Berlin'] }, { iso: 'BY', name: 'Bavaria', cities: ['Munich', 'Nuremberg'] }] },
  { iso: 'FR', name: 'France', regions: [{ iso: 'IDF', name: 'Ile-de-France', cities: ['Paris'] }, { iso: 'ARA', name: 'Auvergne-Rhone-Alpes', cities: ['Lyon', 'Grenoble'] }] },
  { iso: 'IT', name: 'Italy', regions: [{ iso: '25', name: 'Lombardy', cities: ['Milan'] }, { iso: '62', name: 'Lazio', cities: ['Rome'] }] },
  { iso: 'ES', name: 'Spain', regions: [{ iso: 'MD', name: 'Madrid', cities: ['Madrid'] }, { iso: 'CT', name: 'Catalonia', cities: ['Barcelona'] }] },
  { iso: 'RU', name: 'Russia', regions: [{ iso: 'MOW', name: 'Moscow', cities: ['Moscow'] }, { iso: 'SPE', name: 'St.-Petersburg', cities: ['Saint Petersburg'] }] },
  { iso: 'JP', name: 'Japan', regions: [{ iso: '13', name: 'Tokyo', cities: ['Tokyo'] }, { iso: '27', name: 'Osaka', cities: ['Osaka'] }] },
  { iso: 'BR', name: 'Brazil', regions: [{ iso: 'SP', name: 'Sao Paulo', cities: ['Sao Paulo', 'Campinas'] }, { iso: 'RJ', name: 'Rio de Janeiro', cities: ['Rio de Janeiro'] }] },
  { iso: 'CA', name: 'Canada', regions: [{ iso: 'ON', name: 'Ontario', cities: ['Toronto', 'Ottawa'] }, { iso: 'QC', name: 'Quebec', cities: ['Montreal'] }] },
  { iso: 'AU', name: 'Australia', regions: [{ iso: 'NSW', name: 'New South Wales', cities: ['Sydney'] }, { iso: 'VIC', name: 'Victoria', cities: ['Melbourne'] }] },
  { iso: 'MX', name: 'Mexico', regions: [{ iso: 'CMX', name: 'Mexico City', cities: ['Mexico City'] }] },
  { iso: 'PL', name: 'Poland', regions: [{ iso: '14', name: 'Mazovia', cities: ['Warsaw'] }] },
  { iso: 'NL', name: 'Netherlands', regions: [{ iso: 'NH', name: 'North Holland', cities: ['Amsterdam'] }] },
  { iso: 'SE', name: 'Sweden', regions: [{ iso: 'AB', name: 'Stockholm', cities: ['Stockholm'] }] },
  { iso: 'UA', name: 'Ukraine', regions: [{ iso: '30', name: 'Kyiv City', cities: ['Kyiv'] }] },
  { iso: 'KR', name: 'Republic of Korea', regions: [{ iso: '11', name: 'Seoul', cities: ['Seoul'] }] },
  { iso: 'AR', name: 'Argentina', regions: [{ iso: 'C', name: 'Buenos Aires F.D.', cities: ['Buenos Aires'] }] },
  { iso: 'PH', name: 'Philippines', regions: [{ iso: '00', name: 'Metro Manila', cities: ['Manila', 'Quezon City'] }] },
];

export const COMMENTS = [
  '', '', 'added project', 'fix typo', 'copyedit', '/* References */', '/* External links */ dead link', 'Reverted edits by',
  'rv vandalism', 'update infobox', 'added category', 'expand section', 'clean up', 'removed unsourced claim',
  'image caption', 'grammar', 'link fix', 'wikify', 'added citation', 'update statistics for 2015', 'Undid revision',
  'minor formatting', 'per talk page discussion', 'stub sorting', 'translation from another wiki', 'disambiguation',
  'moved page', 'bot: updating interwiki links', 'bot: fixing redirects', 'welcome new user',
] as const;
