/** A relation's page (names may hold dots, plus signs, spaces, quotes). */
export const relationHref = (name: string) => `/relations/${encodeURIComponent(name)}`;

export const jobHref = (id: string) => `/jobs/${id}`;
