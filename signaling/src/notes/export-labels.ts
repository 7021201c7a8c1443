/** The export's own words, in the two languages of the app (the PDF is made on the server). */
export const EXPORT_LABELS = {
  vi: {
    heading: 'Ghi chú cá nhân',
    document: 'Tài liệu',
    owner: 'Người ghi',
    exportedAt: 'Xuất lúc',
    highlights: 'Đánh dấu',
    page: 'Trang',
    noComment: '(không có nhận xét)',
    notes: 'Ghi chú',
    none: '(chưa có)',
    confidential: 'Tài liệu mật: bản xuất chỉ gồm ghi chú của bạn, không kèm trang tài liệu.',
  },
  en: {
    heading: 'Personal notes',
    document: 'Document',
    owner: 'Written by',
    exportedAt: 'Exported',
    highlights: 'Highlights',
    page: 'Page',
    noComment: '(no comment)',
    notes: 'Notes',
    none: '(none)',
    confidential: 'Confidential document: this export holds your notes only, not the document’s pages.',
  },
} as const;

export type ExportLanguage = keyof typeof EXPORT_LABELS;
export type ExportLabels = (typeof EXPORT_LABELS)[ExportLanguage];
