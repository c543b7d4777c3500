"""The purpose codes (*koda namena*) a UPN QR or a SEPA file may carry.

Source: Združenje bank Slovenije, "Kode namenov - za javno objavo", 2019-08-07
(``Sifrant_kod_namenov_placil_javen.zip`` on https://www.zbs-giz.si/standardi-in-prirocniki/),
itself taken from the ISO 20022 ExternalPurpose1Code list; transcribed code by code
from the full list in ``matejmohar/upn-qr-mcp`` ``src/upn/purpose-codes.ts`` (MIT).
298 codes.  Private module: use :data:`szo_core.payments.upn.PURPOSE_CODES`.
"""

from __future__ import annotations

from typing import Final

__all__ = ["PURPOSE_CODES"]

PURPOSE_CODES: Final[frozenset[str]] = frozenset(
    (
    "ACCT", "ADCS", "ADMG", "ADVA", "AEMP", "AGRT", "AIRB", "ALLW", "ALMY", "ANNI", "ANTS",
    "AREN", "B112", "BBSC", "BCDM", "BCFG", "BECH", "BENE", "BEXP", "BFWD", "BKDF", "BKFE",
    "BKFM", "BKIP", "BKPP", "BLDM", "BNET", "BOCE", "BONU", "BR12", "BUSB", "CAFI", "CASH",
    "CBFF", "CBFR", "CBLK", "CBTV", "CCHD", "CCIR", "CCPC", "CCPM", "CCRD", "CCSM", "CDBL",
    "CDCB", "CDCD", "CDCS", "CDDP", "CDEP", "CDOC", "CDQC", "CFDI", "CFEE", "CGDD", "CHAR",
    "CLPR", "CMDT", "COLL", "COMC", "COMM", "COMP", "COMT", "CORT", "COST", "CPKC", "CPYR",
    "CRDS", "CRPR", "CRSP", "CRTL", "CSDB", "CSLP", "CVCF", "DBTC", "DCRD", "DEPT", "DERI",
    "DIVD", "DMEQ", "DNTS", "DSMT", "DVPM", "ECPG", "ECPR", "ECPU", "EDUC", "ELEC", "ENRG",
    "EPAY", "EQPT", "EQUS", "ESTX", "ETUP", "EXPT", "EXTD", "FACT", "FAND", "FCOL", "FCPM",
    "FEES", "FERB", "FIXI", "FNET", "FORW", "FREX", "FUTR", "FWBC", "FWCC", "FWLV", "FWSB",
    "FWSC", "FXNT", "GASB", "GDDS", "GDSV", "GFRP", "GOVI", "GOVT", "GSCB", "GSTX", "GVEA",
    "GVEB", "GVEC", "GVED", "GWLT", "HEDG", "HLRP", "HLST", "HLTC", "HLTI", "HREC", "HSPC",
    "HSTX", "ICCP", "ICRF", "IDCP", "IHRP", "INPC", "INPR", "INSC", "INSM", "INSU", "INTC",
    "INTE", "INTX", "INVS", "IPAY", "IPCA", "IPDO", "IPEA", "IPEC", "IPEW", "IPPS", "IPRT",
    "IPU2", "IPUW", "IVPT", "LBIN", "LBRI", "LCOL", "LFEE", "LICF", "LIFI", "LIMA", "LMEQ",
    "LMFI", "LMRK", "LOAN", "LOAR", "LREB", "LREV", "LSFL", "LTCF", "MAFC", "MARF", "MARG",
    "MBSB", "MBSC", "MCDM", "MCFG", "MDCS", "MGCC", "MGSC", "MP2B", "MP2P", "MSVC", "MTUP",
    "NETT", "NITX", "NOWS", "NWCH", "NWCM", "OCCC", "OCDM", "OCFG", "OFEE", "OPBC", "OPCC",
    "OPSB", "OPSC", "OPTN", "OTCD", "OTHR", "OTLC", "PADD", "PAYR", "PEFC", "PENO", "PENS",
    "PHON", "POPE", "PPTI", "PRCP", "PRME", "PTSP", "PTXP", "RCKE", "RCPT", "RDTX", "REBT",
    "REFU", "RELG", "RENT", "REOD", "REPO", "RHBS", "RIMB", "RINP", "RLWY", "ROYA", "RPBC",
    "RPCC", "RPNT", "RPSB", "RPSC", "RRBN", "RRCT", "RVPM", "RVPO", "SALA", "SAVG", "SBSC",
    "SCIE", "SCIR", "SCRP", "SCVE", "SECU", "SEPI", "SERV", "SHBC", "SHCC", "SHSL", "SLEB",
    "SLOA", "SLPI", "SPLT", "SPSP", "SSBE", "STDY", "SUBS", "SUPP", "SWBC", "SWCC", "SWFP",
    "SWPP", "SWPT", "SWRS", "SWSB", "SWSC", "SWUF", "TAXR", "TAXS", "TBAN", "TBAS", "TBBC",
    "TBCC", "TBIL", "TCSC", "TELI", "TLRF", "TLRR", "TMPG", "TPRI", "TPRP", "TRAD", "TRCP",
    "TREA", "TRFD", "TRNC", "TRPT", "TRVC", "UBIL", "UNIT", "VATX", "VIEW", "WEBI", "WHLD",
    "WTER",
    )
)
