"""Concrete syntax: the lark grammar's parser, the AST and name resolution."""
