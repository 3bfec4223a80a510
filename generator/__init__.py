"""Turn the course's content folders into site pages and print-ready PDFs.

The pipeline: ``sources`` loads YAML with line numbers, ``models`` validate it,
``catalog`` gathers every content item, ``pages`` and ``pdf`` render outputs,
``build`` lists the files to publish, and ``plugin`` wires that into MkDocs.
"""
