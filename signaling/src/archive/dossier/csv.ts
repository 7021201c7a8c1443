import { csvCell } from '../../votes/vote-csv.js';

/** Rows as CSV the same way the votes' CSV is written: UTF-8 with BOM (spreadsheets read Vietnamese), CRLF. */
export function toCsv(rows: readonly (readonly string[])[]): Buffer {
  return Buffer.from('\uFEFF' + rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}

export const ROLE_LABELS = {
  chair: 'Chủ trì',
  secretary: 'Thư ký',
  delegate: 'Đại biểu',
  endpoint: 'Điểm cầu',
  observer: 'Quan sát viên',
} as const;
