/** The ObjectStore of the data packages' bucket (DATA_EXPORT_BUCKET), apart from the photo bucket. */
export const DATA_EXPORT_STORE = Symbol('DATA_EXPORT_STORE');
