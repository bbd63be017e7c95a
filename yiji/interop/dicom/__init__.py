"""DICOM: Modality Worklist (C-FIND) and MPPS (N-CREATE/N-SET) for the rooms' modalities."""
