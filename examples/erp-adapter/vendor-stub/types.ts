/**
 * The wire format of "Ledgerline ERP", the fictional vendor ERP the example adapter sits on. Deliberately unlike
 * erp.v1: upper-case abbreviated field names, numeric document numbers, amounts as decimal strings, flags as
 * 'X' / '', dates as YYYYMMDD + HHMMSS, its own error body and its own throttling header, and no idempotency keys.
 */

export interface VendorMaterial {
  MATNR: string;
  MAKTX: string;
  /** Net price, decimal string in the currency's major unit ("16.99"). */
  NETPR: string;
  WAERS: string;
  /** VAT percentage, decimal string ("20.00"). */
  MWST_PCT: string;
  /** Deletion flag: 'X' means the material is blocked for sales. */
  LVORM: '' | 'X';
}

export type VendorPlantKind = 'NETWORK' | 'REGION' | 'DC' | 'STORE' | 'DARK' | '3PL';

export interface VendorPlant {
  WERKS: string;
  NAME1: string;
  PLANT_KIND: VendorPlantKind;
  PARENT: string;
  /** Click & collect allowed. */
  CC_FLAG: '' | 'X';
  /** Ship from store allowed. */
  SFS_FLAG: '' | 'X';
}

export interface VendorSalesItem {
  POSNR: number;
  MATNR: string;
  KWMENG: number;
  NETPR: string;
  MWST: string;
  /** The caller's own line reference, kept verbatim. */
  EXT_LINE?: string;
}

export interface VendorPayment {
  /** Payment method key: CC credit card, DC debit card, GC gift card, SC store credit, PP PayPal, CA cash, MP marketplace. */
  ZLSCH: string;
  BETRG: string;
  REF?: string;
}

export interface VendorPartyAddress {
  NAME: string;
  STREET: string;
  STREET2?: string;
  CITY: string;
  REGION?: string;
  POSTCODE: string;
  COUNTRY: string;
}

export interface CreateVendorSalesDoc {
  /** Customer purchase-order reference: the only place a caller's own id can live. Not unique in the vendor. */
  BSTKD: string;
  /** Sales channel code: WEB, MKT, POS, TEL, B2B. */
  VKANAL: string;
  /** The channel's own order number. */
  BSTKD_E?: string;
  SOLD_TO: { NAME: string; MAIL: string; PHONE?: string; KUNNR?: string };
  SHIP_TO?: VendorPartyAddress;
  WAERS: string;
  ITEMS: VendorSalesItem[];
  FREIGHT?: string;
  REBATE?: string;
  PAYMENTS?: VendorPayment[];
}

/** Status: A open, B invoiced, C cancelled, D fully credited. */
export type VendorDocStatus = 'A' | 'B' | 'C' | 'D';

export interface VendorSalesDoc extends CreateVendorSalesDoc {
  VBELN: number;
  STATUS: VendorDocStatus;
  NETWR: string;
  MWSTS: string;
  GROSS: string;
  CREDITED: string;
  CANCEL_TEXT?: string;
  CREDIT_DOCS: number[];
  ERDAT: string;
  ERZET: string;
  AEDAT: string;
  AEZET: string;
}

export interface CreateVendorCreditDoc {
  /** Reference document number (the caller's id). Not unique in the vendor. */
  XBLNR: string;
  /** The sales document credited. */
  VBELN_REF: number;
  GRUND?: string;
  BETRG: string;
  MWST: string;
  ITEMS: Array<{ POSNR_REF?: number; MATNR: string; KWMENG: number; BETRG: string; MWST: string }>;
  REFUNDS: VendorPayment[];
}

export interface VendorCreditDoc extends CreateVendorCreditDoc {
  BELNR: number;
  BSTKD_REF: string;
  BUDAT: string;
  CPUTM: string;
}

export interface VendorStockPosting {
  MBLNR: number;
  MATNR: string;
  WERKS: string;
  /** Signed quantity. */
  MENGE: number;
  /** Movement type: 701 inventory difference, 551 scrapping, 553 shrinkage, 702 found, 555 write-off, 999 other. */
  BWART: string;
  TEXT?: string;
  CPUDT: string;
  CPUTM: string;
}

/** Every vendor error: HTTP 400 for all business errors, told apart only by `errCode`. */
export interface VendorError {
  errCode: string;
  errText: string;
}
