"""The employee's own space (« Mon espace »): my telework, my documents, request, end, export."""
