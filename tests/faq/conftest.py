import pytest


@pytest.fixture(scope="session")
def generic_retriever():
    from faq_bot.demo import generic_corpus
    from faq_bot.retriever import Retriever

    return Retriever(generic_corpus())


@pytest.fixture(scope="session")
def faq_service():
    from pathlib import Path

    from faq_bot.service import FaqService
    from runner.registry import load_registry

    return FaqService(load_registry(Path("config/municipalities.yaml")))
