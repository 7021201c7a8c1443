import type { MinutesHeading, Unit } from '@ehop/protocol';

const LEVEL_WORD = /^(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+/iu;

/**
 * The heading the minutes start with, from the chair's unit: the People's Committee of that unit
 * issues them ("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"), its place name dates them ("Hòa Bình, ngày …").
 * The secretary can change all three.
 */
export function defaultHeading(unit: Unit | null): MinutesHeading {
  if (!unit) return { issuingBody: 'ỦY BAN NHÂN DÂN', number: '', place: '…' };
  return {
    issuingBody: `ỦY BAN NHÂN DÂN ${unit.name.toLocaleUpperCase('vi')}`,
    number: '',
    place: unit.name.replace(LEVEL_WORD, '') || unit.name,
  };
}
