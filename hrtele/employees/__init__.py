"""Employee screens (HR): list, create, edit, detail."""
