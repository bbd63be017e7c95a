"""HL7 v2.5.1: orders and patients in over MLLP, results and order status out."""
