"""resolve: takes a handout and one of its variants and gives the resolved document (blocks, numbered and formatted sources) every output format draws."""
