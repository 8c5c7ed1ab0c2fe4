"""LSTM models for seoassist: language model, drafting and demand forecasting.

This package is plain PyTorch and SentencePiece. It never imports Django.
"""
